# Route 53 health checks of the primary region's NLB: the failover controller's second witness
# (issue #14). Global like the accelerator: Route 53 is a global service.
include "root" {
  path = find_in_parent_folders("root.hcl")
}

locals {
  env = read_terragrunt_config(find_in_parent_folders("environment.hcl")).locals
}

terraform {
  # Local module path convention: see _common/kubernetes.hcl.
  source = "${dirname(find_in_parent_folders("root.hcl"))}/../modules/primary-health-check"
}

dependency "primary" {
  config_path = "../../eu-central-1/kubernetes"

  mock_outputs = {
    nlb_dns_name = "mock-primary-0000000000000000.elb.eu-central-1.amazonaws.com"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = {
  name      = "${local.env.environment}-primary"
  endpoints = [dependency.primary.outputs.nlb_dns_name]
}
