include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_common/ecr.hcl"
  expose = true
}

# The failover controller's image repository, standby region only: the controller runs only here and
# .github/workflows/failover-image.yml pushes to it directly. Same settings as the app's repository;
# its name does not start with the app's, so the primary's replication rule leaves it alone.
inputs = {
  repository_name = include.common.locals.environment_vars.locals.failover_ecr_repository_name
}
