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

# The failover controller's image repository, standby region only: the controller runs only here and
# .github/workflows/failover-image.yml pushes to it directly. Same settings as the app's repository;
# its name does not start with the app's, so the primary's replication rule leaves it alone.
inputs = {
  repository_name                           = local.environment_vars.locals.failover_ecr_repository_name
  create_registry_replication_configuration = false
}
