# Root configuration included by every unit (include "root" { path = find_in_parent_folders("root.hcl") }).
#
# Path semantics (Terragrunt pkg/config): this file is parsed in the including unit's context, so
# find_in_parent_folders() below starts at the UNIT's parent folder and finds the unit's own
# region.hcl / environment.hcl; path_relative_to_include() is the unit's path relative to this
# file's folder (e.g. "prod/eu-central-1/vpc"), which makes every state key unique.

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region_vars      = read_terragrunt_config(find_in_parent_folders("region.hcl"))

  environment    = local.environment_vars.locals.environment
  aws_account_id = local.environment_vars.locals.aws_account_id
  repository     = local.environment_vars.locals.repository
  aws_region     = local.region_vars.locals.aws_region
}

# Versions are exact: those of infra/.terraform-version and infra/.terragrunt-version, which CI
# installs (.github/actions/setup-infra); tools/infra-ci/test/tool-versions.test.ts fails when these
# constraints and the files differ.
terraform_version_constraint  = "= 1.11.4"
terragrunt_version_constraint = "= 1.1.3"

# One state bucket per account and region: a regional outage never takes the other region's state
# with it. S3-native locking (use_lockfile, Terraform >= 1.10) replaces the DynamoDB lock table:
# Terraform writes <key>.tflock next to the state object (GetObject/PutObject/DeleteObject).
remote_state {
  backend = "s3"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    bucket       = "tfstate-${local.aws_account_id}-${local.aws_region}"
    key          = "${path_relative_to_include()}/terraform.tfstate"
    region       = local.aws_region
    encrypt      = true
    use_lockfile = true

    # Terragrunt-only keys (never passed to Terraform). The buckets are created once per region by
    # an admin (infra/docs/state.md) with versioning, SSE-S3 (AES256: no KMS
    # key, so infra-plan's Deny on kms:Decrypt cannot block state reads), public access blocked and
    # Terragrunt's RootAccess + EnforcedTLS bucket policy. CI may never change them: infra-apply is
    # denied every bucket-configuration write (modules/github-oidc/apply-policy.tf,
    # DenyStateBucketChanges). disable_bucket_update = true makes `terragrunt backend bootstrap`
    # (which infra-ci runs as infra-apply before each apply) only check the bucket, HeadBucket
    # (s3:ListBucket) and GetBucketVersioning, instead of reading and "fixing" its encryption,
    # policy and public access block (Get/PutBucketEncryption, Get/PutBucketPolicy,
    # Get/PutPublicAccessBlock), which would end in AccessDenied. bucket_sse_algorithm only matters
    # when an admin's bootstrap creates a missing bucket (Terragrunt's default would be aws:kms).
    disable_bucket_update = true
    bucket_sse_algorithm  = "AES256"

    # S3 server access logging of every state bucket (issue #20), into a log bucket per account and
    # region. Terragrunt-only keys (gruntwork-io/terragrunt@v1.1.3:
    # internal/remotestate/backend/s3/remote_state_config.go `accesslogging_bucket_name`,
    # `accesslogging_target_prefix`; docs/src/content/docs/04-reference/01-hcl/02-blocks.mdx):
    # when the admin's bootstrap creates a state bucket, Terragrunt creates this bucket too
    # (versioned, SSE-S3, TLS-only, public access blocked, log-delivery ACL) and turns logging on.
    # With disable_bucket_update CI never touches either bucket; a state bucket created before
    # logging was configured gets it once by hand (infra/docs/state.md).
    accesslogging_bucket_name   = "tfstate-logs-${local.aws_account_id}-${local.aws_region}"
    accesslogging_target_prefix = "TFStateLogs/"
  }
}

# Provider versions (issue #20; decision and sources in infra/docs/versions.md). Registry modules
# declare open ranges (terraform-aws-eks@v20.35.0:versions.tf `aws >= 5.83`,
# terraform-aws-vpc@v5.21.0:versions.tf `>= 5.79`, terraform-aws-ecr@v2.4.0:versions.tf `>= 5.93`)
# and no lock file is committed, so without this `init` would take AWS provider 6.x, whose removed
# node-group blocks break eks v20 (fixed upstream only by eks@v20.37.1 adding `< 6.0.0`). Every unit
# gets the one AWS provider the local modules pin and test (modules/*/versions.tf). An
# *_override.tf file, because a module may declare required_providers only once outside override
# files; the override replaces the module's own entry for aws (Terraform "override files").
# tools/infra-ci/test/infra-provider-bounds.test.ts checks every unit's providers are bounded.
generate "provider_versions" {
  path      = "provider_versions_override.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    terraform {
      required_providers {
        aws = {
          source  = "hashicorp/aws"
          version = "5.100.0"
        }
      }
    }
  EOT
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    provider "aws" {
      region              = "${local.aws_region}"
      allowed_account_ids = ["${local.aws_account_id}"]

      default_tags {
        tags = {
          environment = "${local.environment}"
          repository  = "${local.repository}"
          managed-by  = "terragrunt"
        }
      }
    }
  EOT
}
