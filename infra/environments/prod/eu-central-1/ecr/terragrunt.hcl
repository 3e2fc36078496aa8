include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_common/ecr.hcl"
  expose = true
}

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
}

# The primary registry replicates the application repository to the standby region: CI pushes once
# (here) and ECR copies the same manifest, so the digest is identical in both regions.
inputs = {
  create_registry_replication_configuration = true
  registry_replication_rules = [
    {
      destinations = [
        {
          region      = local.environment_vars.locals.standby_region
          registry_id = local.environment_vars.locals.aws_account_id
        }
      ]
      repository_filters = [
        {
          filter      = local.environment_vars.locals.ecr_repository_name
          filter_type = "PREFIX_MATCH"
        }
      ]
    }
  ]
}
