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
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

dependency "global_accelerator" {
  config_path = "../../global/global-accelerator"

  mock_outputs = {
    accelerator_arn = "arn:aws:globalaccelerator::111111111111:accelerator/00000000-0000-0000-0000-000000000000"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

inputs = {
  cluster_name    = dependency.eks.outputs.cluster_name
  accelerator_arn = dependency.global_accelerator.outputs.accelerator_arn

  # "<environment>-" prefix and the workload boundary: the only IAM roles the CI apply role may
  # create (global/github-oidc). The ServiceAccount is the default failover-system/failover-controller
  # (deploy/apps/failover-controller), pinned in the role's trust policy.
  name                     = "${local.env.environment}-failover-controller"
  permissions_boundary_arn = "arn:aws:iam::${local.env.aws_account_id}:policy/${local.env.workload_permissions_boundary}"
}
