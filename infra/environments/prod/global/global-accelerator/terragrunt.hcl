include "root" {
  path = find_in_parent_folders("root.hcl")
}

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  primary_region   = read_terragrunt_config("${get_terragrunt_dir()}/../../eu-central-1/region.hcl")
  standby_region   = read_terragrunt_config("${get_terragrunt_dir()}/../../eu-west-2/region.hcl")
}

terraform {
  # Local module path convention: see _common/kubernetes.hcl.
  source = "${dirname(find_in_parent_folders("root.hcl"))}/../modules/global-accelerator"
}

# The two regions' kubernetes units. mock_outputs_merge_strategy_with_state: a kubernetes state
# written before served_ports existed still plans: for validate/plan only, mock keys missing from
# the real outputs are added (real outputs win). apply uses real outputs.
dependency "primary" {
  config_path = "../../eu-central-1/kubernetes"

  mock_outputs = {
    nlb_arn                          = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/mock-primary/0000000000000000"
    served_ports                     = [80]
    client_ip_preservation_supported = true
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "standby" {
  config_path = "../../eu-west-2/kubernetes"

  mock_outputs = {
    nlb_arn                          = "arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/net/mock-standby/0000000000000000"
    served_ports                     = [80]
    client_ip_preservation_supported = true
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = {
  name = "${local.environment_vars.locals.environment}-demo-app"

  # Initial dials only: the failover controller owns them at run time (the module ignores later
  # drift of traffic_dial_percentage). Ports: what each region's NLB really serves (80, plus 443
  # once region.hcl sets tls_certificate_arn); the module refuses regions serving different ports.
  endpoint_groups = {
    (local.primary_region.locals.aws_region) = {
      endpoint_id             = dependency.primary.outputs.nlb_arn
      ports                   = dependency.primary.outputs.served_ports
      # Chosen from the NLB's listener: no client IP preservation behind an NLB TLS listener
      # (kubernetes module output; AWS refuses the combination).
      client_ip_preservation_enabled = dependency.primary.outputs.client_ip_preservation_supported
      nlb_tls_listener               = !dependency.primary.outputs.client_ip_preservation_supported
      traffic_dial_percentage = local.primary_region.locals.traffic_dial_percentage
      weight                  = 128
    }
    (local.standby_region.locals.aws_region) = {
      endpoint_id                    = dependency.standby.outputs.nlb_arn
      ports                          = dependency.standby.outputs.served_ports
      client_ip_preservation_enabled = dependency.standby.outputs.client_ip_preservation_supported
      nlb_tls_listener               = !dependency.standby.outputs.client_ip_preservation_supported
      traffic_dial_percentage        = local.standby_region.locals.traffic_dial_percentage
      weight                         = 128
    }
  }
}
