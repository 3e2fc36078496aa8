# Shared configuration of every region's `ecr` unit (and of eu-west-2/ecr-failover-controller). Only
# the primary's unit turns on the registry replication rule (see infra/docs/ecr.md). Units read
# environment.hcl through this include (`expose = true`: include.common.locals; Terragrunt
# docs/src/content/docs/04-reference/01-hcl/02-blocks.mdx, "include").

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
}

terraform {
  source = "tfr:///terraform-aws-modules/ecr/aws?version=2.4.0"
}

inputs = {
  repository_name = local.environment_vars.locals.ecr_repository_name

  # Images are deployed by digest; immutable tags make a tag a stable name for one digest too.
  repository_image_tag_mutability = "IMMUTABLE"
  repository_image_scan_on_push   = true
  repository_encryption_type      = "AES256"

  # Access is granted by identity policies (github-oidc module), not by a repository policy.
  attach_repository_policy = false
  create_repository_policy = false

  # Replication is configured once, from the primary (eu-central-1/ecr), to every other region.
  create_registry_replication_configuration = false

  repository_lifecycle_policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Keep the last 50 images (rollback window of the production overlay)"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = 50
        }
        action = { type = "expire" }
      }
    ]
  })
}
