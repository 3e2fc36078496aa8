# Renders the real policy JSON with the real provider (aws_iam_policy_document is computed locally;
# only the two account lookups are overridden, and no AWS API is called). Checks what the mocked
# tests cannot: the managed-policy size limit and the exact JSON of the trust.
provider "aws" {
  region                      = "us-west-2"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_data {
  target = data.aws_partition.current
  values = {
    partition = "aws"
  }
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111111111111"
  }
}

variables {
  # The provider's ARN is then computed from the account, so the trust JSON is known at plan.
  create_oidc_provider = false

  github_repository        = "example-org/demo-app"
  state_bucket_arns        = ["arn:aws:s3:::tfstate-111111111111-eu-central-1", "arn:aws:s3:::tfstate-111111111111-eu-west-2", "arn:aws:s3:::tfstate-111111111111-us-west-2"]
  ecr_push_repository_arns = ["arn:aws:ecr:eu-central-1:111111111111:repository/demo-app", "arn:aws:ecr:eu-west-2:111111111111:repository/failover-controller"]
  ecr_read_repository_arns = ["arn:aws:ecr:eu-west-2:111111111111:repository/demo-app"]

  additional_policy_name_prefixes = ["AmazonEKS_"]
}

run "policies_fit_the_managed_policy_size_limit" {
  command = plan

  # IAM counts a managed policy's characters without whitespace; the limit is 6,144.
  # With a margin for more regions (each adds a state bucket and repository ARNs).
  assert {
    condition     = length(replace(data.aws_iam_policy_document.apply.json, "/\\s/", "")) <= 5000
    error_message = "the infra-apply services policy is close to IAM's 6,144-character limit"
  }

  assert {
    condition     = length(replace(data.aws_iam_policy_document.apply_iam.json, "/\\s/", "")) <= 5000
    error_message = "the infra-apply IAM policy is close to IAM's 6,144-character limit"
  }

  assert {
    condition     = length(replace(data.aws_iam_policy_document.workload_boundary.json, "/\\s/", "")) <= 6144
    error_message = "the workload boundary exceeds 6,144 characters"
  }
}

run "apply_trust_json_is_exact" {
  command = plan

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.trust["apply"].json).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/demo-app:environment:infrastructure:ref:refs/heads/main"
    error_message = "the rendered apply trust must require the infrastructure environment on main"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.trust["plan"].json).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == "repo:example-org/demo-app:pull_request:ref:refs/pull/*/merge"
    error_message = "the rendered plan trust must be StringLike on pull request refs"
  }
}
