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

run "apply_role_trusts_only_the_infrastructure_environment" {
  command = plan

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c if endswith(c.variable, ":sub")]).values) == toset(["repo:example-org/demo-app:environment:infrastructure"])
    error_message = "infra-apply must trust exactly repo:ORG/REPO:environment:infrastructure"
  }

  assert {
    condition     = !contains(one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c if endswith(c.variable, ":sub")]).values, "repo:example-org/demo-app:environment:production")
    error_message = "infra-apply must not trust app-merge's production environment"
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

run "rejects_branch_subjects_for_apply" {
  command = plan

  variables {
    apply_subjects = ["ref:refs/heads/main"]
  }

  expect_failures = [var.apply_subjects]
}

run "rejects_apply_subjects_shared_with_publish" {
  command = plan

  variables {
    apply_subjects   = ["environment:production"]
    publish_subjects = ["environment:production"]
  }

  expect_failures = [var.apply_subjects]
}
