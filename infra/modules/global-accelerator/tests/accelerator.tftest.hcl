# The accelerator, its listener and endpoint groups, and its flow logs (issue #20). Mocked provider:
# account and partition are mock values, so the flow-log assertions derive the expected names from
# the same data sources the module reads.
mock_provider "aws" {}

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
      "eu-central-1" = merge(var.endpoint_groups["eu-central-1"], { ports = [80, 443] })
      "eu-west-2"    = merge(var.endpoint_groups["eu-west-2"], { ports = [443, 80] })
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
    endpoint_groups = merge(var.endpoint_groups, { "eu-central-1" = merge(var.endpoint_groups["eu-central-1"], { ports = [80, 443] }) })
  }

  expect_failures = [var.endpoint_groups]
}

run "rejects_dial_out_of_range" {
  command = plan

  variables {
    endpoint_groups = { "eu-central-1" = merge(var.endpoint_groups["eu-central-1"], { traffic_dial_percentage = 150 }) }
  }

  expect_failures = [var.endpoint_groups]
}

# AWS refuses client IP preservation towards an NLB with a TLS listener; the module says so at plan.
run "rejects_client_ip_preservation_behind_an_nlb_tls_listener" {
  command = plan

  variables {
    endpoint_groups = { "eu-central-1" = merge(var.endpoint_groups["eu-central-1"], { ports = [80, 443], client_ip_preservation_enabled = true, nlb_tls_listener = true }) }
  }

  expect_failures = [var.endpoint_groups]
}

run "tls_listener_without_client_ip_preservation_is_accepted" {
  command = plan

  variables {
    endpoint_groups = { "eu-central-1" = merge(var.endpoint_groups["eu-central-1"], { ports = [80, 443], client_ip_preservation_enabled = false, nlb_tls_listener = true }) }
  }

  assert {
    condition     = one(aws_globalaccelerator_endpoint_group.this["eu-central-1"].endpoint_configuration).client_ip_preservation_enabled == false
    error_message = "the endpoint must not preserve client IPs behind a TLS listener"
  }
}

# Flow logs are on by default, into a bucket of the module's own that only AWS log delivery may
# write to; turning them off needs a written reason.
run "flow_logs_on_by_default_into_the_modules_own_bucket" {
  command = plan

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_enabled
    error_message = "flow logs must be on by default"
  }

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_bucket == lower("test-accelerator-flow-logs-${data.aws_caller_identity.current.account_id}") && aws_s3_bucket.flow_logs[0].bucket == one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_bucket
    error_message = "the accelerator must log into the bucket the module creates, named <name>-flow-logs-<account>"
  }

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_prefix == "global-accelerator/"
    error_message = "the default prefix must be global-accelerator/"
  }

  assert {
    condition     = output.flow_logs_bucket == aws_s3_bucket.flow_logs[0].bucket
    error_message = "the bucket name must be an output"
  }
}

run "the_flow_log_bucket_is_private_encrypted_and_expires_logs" {
  command = plan

  assert {
    condition     = aws_s3_bucket_public_access_block.flow_logs[0].block_public_acls && aws_s3_bucket_public_access_block.flow_logs[0].block_public_policy && aws_s3_bucket_public_access_block.flow_logs[0].ignore_public_acls && aws_s3_bucket_public_access_block.flow_logs[0].restrict_public_buckets
    error_message = "all four public access blocks must be on"
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.flow_logs[0].rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (the bucket owner owns every log object)"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.flow_logs[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "log objects must be encrypted (SSE-S3)"
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.flow_logs[0].rule).expiration).days == 365
    error_message = "logs must expire after the retention (default 365 days)"
  }
}

# The statements AWS documents for vended logs to S3 (delivery.logs.amazonaws.com: PutObject with
# bucket-owner-full-control, GetBucketAcl/ListBucket), scoped to this account, plus TLS only.
run "only_log_delivery_of_this_account_may_write_flow_logs" {
  command = plan

  assert {
    condition = jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement[0] == {
      Sid       = "AWSLogDeliveryWrite"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.flow_logs[0].bucket}/global-accelerator/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id, "s3:x-amz-acl" = "bucket-owner-full-control" }
        ArnLike      = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:logs:*:${data.aws_caller_identity.current.account_id}:*" }
      }
    }
    error_message = "log delivery may put objects under <prefix>AWSLogs/<account>/ only, with bucket-owner-full-control, from this account"
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement[1].Action == ["s3:GetBucketAcl", "s3:ListBucket"] && jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement[1].Resource == "arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.flow_logs[0].bucket}" && jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement[1].Condition.StringEquals == { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
    error_message = "log delivery must be able to check the bucket ACL, from this account only"
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement[2].Effect == "Deny" && jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement[2].Action == "s3:*" && jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement[2].Condition == { Bool = { "aws:SecureTransport" = "false" } }
    error_message = "the bucket must refuse requests without TLS"
  }

  assert {
    condition     = length(jsondecode(aws_s3_bucket_policy.flow_logs[0].policy).Statement) == 3 && aws_s3_bucket_policy.flow_logs[0].bucket == aws_s3_bucket.flow_logs[0].bucket
    error_message = "the flow-log bucket must carry exactly these three statements"
  }
}

run "an_existing_flow_log_bucket_is_used_as_it_is" {
  command = plan

  variables {
    flow_logs = {
      s3_bucket = "central-logs"
      s3_prefix = "ga/"
    }
  }

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_enabled && one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_bucket == "central-logs" && one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_prefix == "ga/"
    error_message = "an existing bucket and prefix must be passed through"
  }

  assert {
    condition     = length(aws_s3_bucket.flow_logs) == 0 && length(aws_s3_bucket_policy.flow_logs) == 0
    error_message = "no bucket may be created when one is given"
  }
}

run "flow_logs_off_without_a_reason_is_refused" {
  command = plan

  variables {
    flow_logs = null
  }

  expect_failures = [var.flow_logs]
}

run "flow_logs_off_with_a_reason" {
  command = plan

  variables {
    flow_logs            = null
    flow_logs_off_reason = "test account: no traffic worth logging"
  }

  assert {
    condition     = !one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_enabled && length(aws_s3_bucket.flow_logs) == 0
    error_message = "flow logs off: no bucket, attribute false"
  }
}
