include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_common/ecr.hcl"
  expose = true
}

# The standby's repository must exist before replication starts delivering into it (ECR would
# otherwise create it with default settings, and the standby unit's create would then fail): the
# dependency makes infra-ci apply eu-west-2/ecr first, and supplies the destination registry id.
dependency "standby_ecr" {
  config_path = "../../eu-west-2/ecr"

  mock_outputs = {
    repository_registry_id = "111111111111"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

# The primary registry replicates the application repository to the standby region: CI pushes once
# (here) and ECR copies the same manifest, so the digest is identical in both regions.
inputs = {
  create_registry_replication_configuration = true
  registry_replication_rules = [
    {
      destinations = [
        {
          region      = include.common.locals.environment_vars.locals.standby_region
          registry_id = dependency.standby_ecr.outputs.repository_registry_id
        }
      ]
      repository_filters = [
        {
          filter      = include.common.locals.environment_vars.locals.ecr_repository_name
          filter_type = "PREFIX_MATCH"
        }
      ]
    }
  ]
}
