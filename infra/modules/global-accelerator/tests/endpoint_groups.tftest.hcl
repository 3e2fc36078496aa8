mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name = "test-accelerator"
  endpoint_groups = {
    "eu-central-1" = {
      endpoint_id             = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
      ports                   = [80]
      traffic_dial_percentage = 100
      weight                  = 128
    }
    "eu-west-2" = {
      endpoint_id             = "arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/net/standby/0123456789abcdef"
      ports                   = [80]
      traffic_dial_percentage = 0
      weight                  = 128
    }
  }
}

run "primary_full_dial_standby_zero" {
  command = plan

  assert {
    condition     = aws_globalaccelerator_endpoint_group.this["eu-central-1"].traffic_dial_percentage == 100
    error_message = "the primary endpoint group must start at dial 100"
  }

  assert {
    condition     = aws_globalaccelerator_endpoint_group.this["eu-west-2"].traffic_dial_percentage == 0
    error_message = "the standby endpoint group must start at dial 0"
  }

  assert {
    condition     = aws_globalaccelerator_endpoint_group.this["eu-west-2"].endpoint_group_region == "eu-west-2"
    error_message = "the endpoint group region must be the map key"
  }
}

run "explicit_weight_and_client_ip_preservation" {
  command = plan

  assert {
    condition     = alltrue([for g in values(aws_globalaccelerator_endpoint_group.this) : one(g.endpoint_configuration).weight == 128])
    error_message = "every endpoint must carry the explicit weight"
  }

  assert {
    condition     = alltrue([for g in values(aws_globalaccelerator_endpoint_group.this) : one(g.endpoint_configuration).client_ip_preservation_enabled])
    error_message = "client IP preservation must default to enabled"
  }
}

run "tcp_listener_only_on_the_ports_the_nlbs_serve" {
  command = plan

  assert {
    condition     = aws_globalaccelerator_listener.this.protocol == "TCP"
    error_message = "the listener must be TCP"
  }

  assert {
    condition     = toset([for r in aws_globalaccelerator_listener.this.port_range : r.from_port]) == toset([80])
    error_message = "NLBs serving HTTP only: the accelerator must listen on 80 and nothing else"
  }

  assert {
    condition     = alltrue([for r in aws_globalaccelerator_listener.this.port_range : r.from_port == r.to_port])
    error_message = "each port range must be one port, forwarded to the same port on the NLBs"
  }
}

run "https_when_every_region_serves_443" {
  command = plan

  variables {
    endpoint_groups = {
      "eu-central-1" = {
        endpoint_id             = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
        ports                   = [80, 443]
        traffic_dial_percentage = 100
        weight                  = 128
      }
      "eu-west-2" = {
        endpoint_id             = "arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/net/standby/0123456789abcdef"
        ports                   = [443, 80]
        traffic_dial_percentage = 0
        weight                  = 128
      }
    }
  }

  assert {
    condition     = toset([for r in aws_globalaccelerator_listener.this.port_range : r.from_port]) == toset([80, 443])
    error_message = "NLBs serving 80 and 443: the accelerator must listen on both"
  }

  assert {
    condition     = toset(output.listener_ports) == toset([80, 443])
    error_message = "listener_ports must report the ports listened on"
  }
}

run "rejects_a_port_served_in_one_region_only" {
  command = plan

  variables {
    endpoint_groups = {
      "eu-central-1" = {
        endpoint_id             = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
        ports                   = [80, 443]
        traffic_dial_percentage = 100
        weight                  = 128
      }
      "eu-west-2" = {
        endpoint_id             = "arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/net/standby/0123456789abcdef"
        ports                   = [80]
        traffic_dial_percentage = 0
        weight                  = 128
      }
    }
  }

  expect_failures = [var.endpoint_groups]
}

run "rejects_dial_out_of_range" {
  command = plan

  variables {
    endpoint_groups = {
      "eu-central-1" = {
        endpoint_id             = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
        ports                   = [80]
        traffic_dial_percentage = 150
        weight                  = 128
      }
    }
  }

  expect_failures = [var.endpoint_groups]
}

# AWS refuses client IP preservation towards an NLB with a TLS listener; the module says so at plan.
run "rejects_client_ip_preservation_behind_an_nlb_tls_listener" {
  command = plan

  variables {
    endpoint_groups = {
      "eu-central-1" = {
        endpoint_id                    = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
        ports                          = [80, 443]
        traffic_dial_percentage        = 100
        weight                         = 128
        client_ip_preservation_enabled = true
        nlb_tls_listener               = true
      }
    }
  }

  expect_failures = [var.endpoint_groups]
}

run "tls_listener_without_client_ip_preservation_is_accepted" {
  command = plan

  variables {
    endpoint_groups = {
      "eu-central-1" = {
        endpoint_id                    = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
        ports                          = [80, 443]
        traffic_dial_percentage        = 100
        weight                         = 128
        client_ip_preservation_enabled = false
        nlb_tls_listener               = true
      }
    }
  }

  assert {
    condition     = one(aws_globalaccelerator_endpoint_group.this["eu-central-1"].endpoint_configuration).client_ip_preservation_enabled == false
    error_message = "the endpoint must not preserve client IPs behind a TLS listener"
  }
}
