mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
    }
  }
}

variables {
  github_repository        = "example-org/demo-app"
  state_bucket_arns        = ["arn:aws:s3:::tfstate-111111111111-eu-central-1"]
  ecr_push_repository_arns = ["arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"]
  ecr_read_repository_arns = ["arn:aws:ecr:eu-west-2:111111111111:repository/demo-app"]
}

run "plan_role_trusts_pull_requests_only" {
  command = plan

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c if endswith(c.variable, ":sub")]).values) == toset(["repo:example-org/demo-app:pull_request"])
    error_message = "infra-plan must trust exactly repo:ORG/REPO:pull_request"
  }

  assert {
    condition     = alltrue([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.test == "StringEquals"])
    error_message = "trust conditions must use StringEquals"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c if endswith(c.variable, ":aud")]).values) == toset(["sts.amazonaws.com"])
    error_message = "the audience must be sts.amazonaws.com"
  }
}

run "apply_role_never_trusts_pull_requests" {
  command = plan

  assert {
    condition     = alltrue([for s in one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c if endswith(c.variable, ":sub")]).values : contains(["repo:example-org/demo-app:environment:production", "repo:example-org/demo-app:ref:refs/heads/main"], s)])
    error_message = "infra-apply must trust only the production environment or main"
  }
}

run "publish_role_pushes_only_to_the_app_repository" {
  command = plan

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.publish.statement : s if s.sid == "EcrPush"]).resources) == toset(["arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"])
    error_message = "push must be limited to the demo-app repository"
  }

  assert {
    condition     = !contains(tolist(one([for s in data.aws_iam_policy_document.publish.statement : s if s.sid == "EcrReadReplicas"]).actions), "ecr:PutImage")
    error_message = "replica repositories must be read-only"
  }
}

run "rejects_wildcard_subjects" {
  command = plan

  variables {
    apply_subjects = ["ref:refs/heads/*"]
  }

  expect_failures = [var.apply_subjects]
}
