# IAM for the failover controller that runs in the standby cluster. A unit of its own, downstream of
# both the accelerator and the standby cluster, breaks the cycle
#   global-accelerator -> kubernetes (NLB ARNs)  and  failover role -> global-accelerator (ARN).
include "root" {
  path = find_in_parent_folders("root.hcl")
}

locals {
  env = read_terragrunt_config(find_in_parent_folders("environment.hcl")).locals
}

terraform {
  # Local module path convention: see _common/kubernetes.hcl.
  source = "${dirname(find_in_parent_folders("root.hcl"))}/../modules/failover-iam"
}

dependency "eks" {
  config_path = "../eks"

  mock_outputs = {
    cluster_name = "${local.env.environment}-${local.env.standby_region}"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

dependency "global_accelerator" {
  config_path = "../../global/global-accelerator"

  mock_outputs = {
    endpoint_group_arns = {
      eu-central-1 = "arn:aws:globalaccelerator::111111111111:accelerator/00000000-0000-0000-0000-000000000000/listener/00000000/endpoint-group/000000000001"
      eu-west-2    = "arn:aws:globalaccelerator::111111111111:accelerator/00000000-0000-0000-0000-000000000000/listener/00000000/endpoint-group/000000000002"
    }
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

dependency "primary_health_check" {
  config_path = "../../global/primary-health-check"

  mock_outputs = {
    health_check_ids = ["00000000-0000-0000-0000-000000000000"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

inputs = {
  cluster_name    = dependency.eks.outputs.cluster_name
  # Issue #14: the two endpoint groups by ARN (never "accelerator/*"), and the Route 53 health
  # checks of the primary that the controller reads as its second witness.
  primary_endpoint_group_arn = dependency.global_accelerator.outputs.endpoint_group_arns[local.env.primary_region]
  standby_endpoint_group_arn = dependency.global_accelerator.outputs.endpoint_group_arns[local.env.standby_region]
  route53_health_check_ids   = dependency.primary_health_check.outputs.health_check_ids

  # "<environment>-" prefix and the workload boundary: the only IAM roles the CI apply role may
  # create (global/github-oidc). The ServiceAccount is the default failover-system/failover-controller
  # (deploy/apps/failover-controller), pinned in the role's trust policy.
  name                     = "${local.env.environment}-failover-controller"
  permissions_boundary_arn = local.env.workload_boundary_arn
}
