mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  github_repository = "example-org/demo-app"
  state_bucket_arns = ["arn:aws:s3:::tfstate-111111111111-eu-central-1"]
  publishers = {
    demo-app = {
      subject              = "environment:production:ref:refs/heads/main"
      push_repository_arn  = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"
      read_repository_arns = ["arn:aws:ecr:eu-west-2:111111111111:repository/demo-app"]
    }
    failover-controller = {
      subject             = "environment:failover-production:ref:refs/heads/main"
      push_repository_arn = "arn:aws:ecr:eu-west-2:111111111111:repository/failover-controller"
    }
  }
}

# Subjects follow the repository's subject template ["repo", "context", "ref"].
run "plan_role_trusts_pull_requests_only" {
  command = plan

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.values if endswith(c.variable, ":sub")])) == toset(["repo:example-org/demo-app:pull_request:ref:refs/pull/*/merge"])
    error_message = "infra-plan must trust exactly repo:ORG/REPO:pull_request:ref:refs/pull/*/merge"
  }

  assert {
    condition     = one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.test if endswith(c.variable, ":sub")]) == "StringLike"
    error_message = "the plan subject needs StringLike (the pull request number is the only wildcard)"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.values if endswith(c.variable, ":aud")])) == toset(["sts.amazonaws.com"])
    error_message = "the audience must be sts.amazonaws.com"
  }
}

run "apply_role_trusts_only_the_infrastructure_environment_on_main" {
  command = plan

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c.values if endswith(c.variable, ":sub")])) == toset(["repo:example-org/demo-app:environment:infrastructure:ref:refs/heads/main"])
    error_message = "infra-apply must trust exactly repo:ORG/REPO:environment:infrastructure:ref:refs/heads/main"
  }

  assert {
    condition     = alltrue([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c.test == "StringEquals"])
    error_message = "infra-apply's trust conditions must be exact (StringEquals)"
  }

}

# One role per image, each assumable by exactly one subject (its own environment on main): the
# failover-image job cannot assume the demo-app role, and the reverse.
run "each_publish_role_trusts_only_its_own_environment" {
  command = plan

  assert {
    condition     = alltrue([for k in ["publish-demo-app", "publish-failover-controller"] : alltrue([for c in data.aws_iam_policy_document.trust[k].statement[0].condition : c.test == "StringEquals"])])
    error_message = "the publish roles' trust conditions must be exact (StringEquals)"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["publish-demo-app"].statement[0].condition : c.values if endswith(c.variable, ":sub")])) == toset(["repo:example-org/demo-app:environment:production:ref:refs/heads/main"])
    error_message = "publish-demo-app must trust exactly the production environment on main"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["publish-failover-controller"].statement[0].condition : c.values if endswith(c.variable, ":sub")])) == toset(["repo:example-org/demo-app:environment:failover-production:ref:refs/heads/main"])
    error_message = "publish-failover-controller must trust exactly the failover-production environment on main"
  }

  assert {
    condition     = aws_iam_role.publish["demo-app"].name == "github-publish-demo-app" && aws_iam_role.publish["failover-controller"].name == "github-publish-failover-controller"
    error_message = "one role per image, named <prefix>publish-<image>"
  }
}

run "immutable_subject_prefix" {
  command = plan

  variables {
    subject_prefix = "repo:example-org@1234/demo-app@5678"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c.values if endswith(c.variable, ":sub")])) == toset(["repo:example-org@1234/demo-app@5678:environment:infrastructure:ref:refs/heads/main"])
    error_message = "subject_prefix must replace repo:<github_repository>"
  }
}

run "each_publish_role_pushes_only_its_own_repository" {
  command = plan

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.publish["demo-app"].statement : s if s.sid == "EcrPush"]).resources) == toset(["arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"])
    error_message = "publish-demo-app must push only to the demo-app repository"
  }

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.publish["failover-controller"].statement : s if s.sid == "EcrPush"]).resources) == toset(["arn:aws:ecr:eu-west-2:111111111111:repository/failover-controller"])
    error_message = "publish-failover-controller must push only to the failover-controller repository"
  }

  assert {
    condition     = !contains(tolist(one([for s in data.aws_iam_policy_document.publish["demo-app"].statement : s if s.sid == "EcrReadReplicas"]).actions), "ecr:PutImage")
    error_message = "replica repositories must be read-only"
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.publish["failover-controller"].statement : s if s.sid == "EcrReadReplicas"]) == 0
    error_message = "publish-failover-controller reads no other repository"
  }
}

run "rejects_two_images_sharing_a_subject" {
  command = plan

  variables {
    publishers = {
      a = { subject = "environment:production:ref:refs/heads/main", push_repository_arn = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app" }
      b = { subject = "environment:production:ref:refs/heads/main", push_repository_arn = "arn:aws:ecr:eu-west-2:111111111111:repository/failover-controller" }
    }
  }

  expect_failures = [var.publishers]
}

run "rejects_two_images_sharing_a_repository" {
  command = plan

  variables {
    publishers = {
      a = { subject = "environment:production:ref:refs/heads/main", push_repository_arn = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app" }
      b = { subject = "environment:failover-production:ref:refs/heads/main", push_repository_arn = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app" }
    }
  }

  expect_failures = [var.publishers]
}

run "rejects_wildcard_apply_subjects" {
  command = plan

  variables {
    apply_subjects = ["environment:infrastructure:ref:refs/heads/*"]
  }

  expect_failures = [var.apply_subjects]
}

run "rejects_an_environment_without_a_branch_for_apply" {
  command = plan

  variables {
    apply_subjects = ["environment:infrastructure"]
  }

  expect_failures = [var.apply_subjects]
}

run "rejects_branch_only_subjects_for_apply" {
  command = plan

  variables {
    apply_subjects = ["ref:refs/heads/main"]
  }

  expect_failures = [var.apply_subjects]
}

run "rejects_apply_subjects_shared_with_publish" {
  command = plan

  variables {
    apply_subjects = ["environment:production:ref:refs/heads/main"]
  }

  expect_failures = [var.apply_subjects]
}

run "plan_role_also_trusts_the_drift_environment_on_main" {
  command = plan

  variables {
    drift_subjects = ["environment:infra-drift:ref:refs/heads/main"]
  }

  assert {
    condition = toset(one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.values if endswith(c.variable, ":sub")])) == toset([
      "repo:example-org/demo-app:pull_request:ref:refs/pull/*/merge",
      "repo:example-org/demo-app:environment:infra-drift:ref:refs/heads/main",
    ])
    error_message = "infra-plan must trust the pull requests and exactly the drift environment on main"
  }

  assert {
    condition     = !contains(one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c.values if endswith(c.variable, ":sub")]), "repo:example-org/demo-app:environment:infra-drift:ref:refs/heads/main")
    error_message = "the drift environment must not reach infra-apply"
  }
}

run "rejects_drift_wildcards" {
  command = plan

  variables {
    drift_subjects = ["environment:*:ref:refs/heads/main"]
  }

  expect_failures = [var.drift_subjects]
}

run "rejects_a_drift_subject_shared_with_apply" {
  command = plan

  variables {
    drift_subjects = ["environment:infrastructure:ref:refs/heads/main"]
  }

  expect_failures = [var.drift_subjects]
}

run "rejects_plan_wildcards_beyond_the_pr_number" {
  command = plan

  variables {
    plan_subjects = ["pull_request:*"]
  }

  expect_failures = [var.plan_subjects]
}

run "rejects_non_pull_request_plan_subjects" {
  command = plan

  variables {
    plan_subjects = ["ref:refs/heads/main"]
  }

  expect_failures = [var.plan_subjects]
}

run "rejects_a_wildcard_role_name_prefix" {
  command = plan

  variables {
    role_name_prefix = "*"
  }

  expect_failures = [var.role_name_prefix]
}

run "rejects_overlapping_name_prefixes" {
  command = plan

  variables {
    role_name_prefix    = "prod-ci-"
    managed_name_prefix = "prod-"
  }

  expect_failures = [var.managed_name_prefix]
}
