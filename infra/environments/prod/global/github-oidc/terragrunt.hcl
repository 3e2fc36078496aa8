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

  # infra-merge's job runs in the `infrastructure` environment (deployment branches: main only);
  # app-merge's `production` environment gets app-publish and nothing else.
  apply_subjects   = ["environment:infrastructure"]
  publish_subjects = ["environment:production"]

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
