# Environment-wide values, read by root.hcl and _common/*.hcl via
# read_terragrunt_config(find_in_parent_folders("environment.hcl")).
locals {
  environment = "prod"

  # EXAMPLE VALUE: replace with the production AWS account id before the first apply. The generated
  # provider refuses any other account (allowed_account_ids), so a wrong id fails safe.
  aws_account_id = "111111111111"

  # GitHub "owner/name" of this repository: OIDC trust subjects, the Flux GitRepository URL and the
  # `repository` default tag.
  repository = "example-org/demo-app"

  # Name of the application's ECR repository in every region.
  ecr_repository_name = "demo-app"

  # The failover controller's image repository: standby region only (the controller runs only there,
  # and shipping a fix to it must not depend on the primary region).
  failover_ecr_repository_name = "failover-controller"

  # Both workload regions; the failover pair is primary -> standby.
  primary_region = "eu-central-1"
  standby_region = "eu-west-2"
}
