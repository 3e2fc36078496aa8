include "root" {
  path = find_in_parent_folders("root.hcl")
}

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  env              = local.environment_vars.locals
  state_regions    = [local.env.primary_region, local.env.standby_region, "us-west-2"]
}

terraform {
  # Local module path convention: see _common/kubernetes.hcl.
  source = "${dirname(find_in_parent_folders("root.hcl"))}/../modules/github-oidc"
}

# No dependencies: this unit is applied first (by a human with admin credentials), since it creates
# the roles every later apply runs as. ECR repository ARNs are computed, not read from the ecr
# units, to keep it first in the graph.
inputs = {
  github_repository = local.env.repository

  # The repository's OIDC subject template is ["repo", "context", "ref"] (set once, infra/README.md
  # "First deployment"), so IAM itself requires main: infra-merge's job in the `infrastructure`
  # environment on main, and app-merge / failover-image in `production` on main. infra-plan keeps the
  # module default, pull_request:ref:refs/pull/*/merge (infra-pr.yml, no environment).
  apply_subjects   = ["environment:infrastructure:ref:refs/heads/main"]
  publish_subjects = ["environment:production:ref:refs/heads/main"]

  # Same names that _common/eks.hcl and eu-west-2/failover-iam build ARNs from.
  role_name_prefix              = local.env.ci_role_name_prefix
  workload_boundary_policy_name = local.env.workload_permissions_boundary
  managed_name_prefix           = "${local.env.environment}-"

  # modules/kubernetes uses terraform-aws-modules/eks-pod-identity, which names its policies
  # "AmazonEKS_<controller>-..." (its policy_name_prefix default). Drop this once that module sets
  # policy_name_prefix to the cluster name; roles stay limited to "<environment>-".
  additional_policy_name_prefixes = ["AmazonEKS_"]

  # OFF until modules/kubernetes sets the boundary on its two Pod Identity roles (the
  # eks-pod-identity module's permissions_boundary_arn): with it on, infra-apply could not create
  # them. The eks and failover-iam units already set it. Residual risk while off: infra/README.md,
  # "IAM: who may do what".
  enforce_workload_permissions_boundary = false

  state_bucket_arns = [for r in local.state_regions : "arn:aws:s3:::tfstate-${local.env.aws_account_id}-${r}"]

  # CI pushes the app to the primary only (ECR replication copies it to the standby), and the
  # failover controller straight to the standby, where it runs.
  ecr_push_repository_arns = [
    "arn:aws:ecr:${local.env.primary_region}:${local.env.aws_account_id}:repository/${local.env.ecr_repository_name}",
    "arn:aws:ecr:${local.env.standby_region}:${local.env.aws_account_id}:repository/${local.env.failover_ecr_repository_name}",
  ]
  # Read-only in the standby: verify that the replicated digest arrived before pinning it.
  ecr_read_repository_arns = [
    "arn:aws:ecr:${local.env.standby_region}:${local.env.aws_account_id}:repository/${local.env.ecr_repository_name}",
  ]
}
