# Renders the real policy JSON with the real provider (aws_iam_policy_document is computed locally;
# only the two account lookups are overridden, and no AWS API is called). Checks what the mocked
# tests (apply.tftest.hcl) cannot: the managed-policy size limit and the exact JSON of the trust;
# then the roles' trust (subjects per role) and release-read, on the same fixture.
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

  github_repository = "example-org/demo-app"
  state_bucket_arns = ["arn:aws:s3:::tfstate-111111111111-eu-central-1", "arn:aws:s3:::tfstate-111111111111-eu-west-2", "arn:aws:s3:::tfstate-111111111111-us-west-2"]
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

  # As in the live tree (global/github-oidc): managed_name_prefix "prod-", boundary enforced (the
  # module default), no additional_policy_name_prefixes.

  # release-read (release-read.tf): the release train's role that may only describe the
  # accelerator's endpoint groups.
  release_reader = {
    subjects = [
      "environment:production:ref:refs/heads/main",
      "environment:release-train:ref:refs/heads/main",
    ]
    endpoint_group_arns = [
      "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu",
      "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/ab88888example",
    ]
  }
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

# The privilege-escalation guard, on the JSON IAM will evaluate. A request is allowed only if some
# Allow statement matches it; so "CreateRole without the workload boundary is denied" means: every
# Allow statement of infra-apply's two policies whose Action pattern covers a role-permissioning
# action (iam:CreateRole, iam:Put*, iam:*, "*", ...) requires iam:PermissionsBoundary = the boundary
# ARN, and no Allow statement uses NotAction (which would cover them implicitly). The action
# patterns are matched as IAM does (case-insensitive, "*" and "?" wildcards).
run "role_creation_without_the_boundary_is_denied" {
  command = plan

  # Sanity: the statements below are really found (the check is not vacuous).
  assert {
    condition     = length([for s in jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement : s if s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), "iam:CreateRole")]) == 1
    error_message = "exactly one Allow statement of infra-apply's IAM policy must name iam:CreateRole"
  }

  assert {
    condition = alltrue(flatten([
      for s in concat(jsondecode(data.aws_iam_policy_document.apply.json).Statement, jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement) : [
        for a in ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy"] :
        flatten([try(s.Condition.StringEquals["iam:PermissionsBoundary"], [])]) == ["arn:aws:iam::111111111111:policy/github-workload-boundary"]
        if anytrue([for p in flatten([try(s.Action, [])]) : can(regex("^${replace(replace(replace(lower(p), ".", "\\."), "*", ".*"), "?", ".")}$", lower(a)))])
      ] if s.Effect == "Allow"
    ]))
    error_message = "every Allow statement covering CreateRole / PutRolePolicy / AttachRolePolicy / PutRolePermissionsBoundary must require iam:PermissionsBoundary = the workload boundary (StringEquals)"
  }

  assert {
    condition     = !anytrue([for s in concat(jsondecode(data.aws_iam_policy_document.apply.json).Statement, jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement) : s.Effect == "Allow" && can(s.NotAction)])
    error_message = "no Allow statement may use NotAction: it would allow role creation outside the bounded statement"
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement : s.Resource if s.Sid == "WorkloadRolesBounded"]) == "arn:aws:iam::111111111111:role/prod-*"
    error_message = "the bounded role statement must be limited to role/prod-*"
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement : s.Effect if s.Sid == "DenyRemovingBoundaries"]) == "Deny" && one([for s in jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement : s.Action if s.Sid == "DenyRemovingBoundaries"]) == "iam:DeleteRolePermissionsBoundary"
    error_message = "removing a role's permissions boundary must be denied"
  }
}

# The same check must notice the gap when enforcement is off: otherwise it proves nothing.
run "without_enforcement_role_creation_is_unbounded" {
  command = plan

  variables {
    enforce_workload_permissions_boundary = false
  }

  assert {
    condition = anytrue([
      for s in jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement :
      s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), "iam:CreateRole") && !can(s.Condition.StringEquals["iam:PermissionsBoundary"])
    ])
    error_message = "with enforcement off the rendered policy must allow CreateRole without a boundary condition (the check above must be able to fail)"
  }
}

run "iam_writes_stay_under_the_managed_prefix" {
  command = plan

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.apply_iam.json, "AmazonEKS_")
    error_message = "without additional_policy_name_prefixes no AmazonEKS_* policy may be writable"
  }

  assert {
    condition     = toset(flatten([one([for s in jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement : s.Resource if s.Sid == "WorkloadPolicies"])])) == toset(["arn:aws:iam::111111111111:policy/prod-*"])
    error_message = "customer-managed policies may be written only under policy/prod-*"
  }

  assert {
    condition     = contains(flatten([one([for s in jsondecode(data.aws_iam_policy_document.apply_iam.json).Statement : s.Condition.StringEquals["iam:AWSServiceName"] if s.Sid == "ServiceLinkedRoles"])]), "replication.ecr.amazonaws.com")
    error_message = "ECR registry replication needs its service-linked role (AWSServiceRoleForECRReplication)"
  }
}

# --- trust: who may assume each role ---

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

# --- release-read ---

run "no_role_without_release_reader" {
  command = plan

  variables {
    release_reader = null
  }

  assert {
    condition     = length(aws_iam_role.release_read) == 0 && length(aws_iam_role_policy.release_read) == 0 && output.release_read_role_arn == null
    error_message = "release-read must not exist unless release_reader is set"
  }

  assert {
    condition     = !contains(keys(data.aws_iam_policy_document.trust), "release-read")
    error_message = "no release-read trust without release_reader"
  }
}

run "trusts_exactly_the_release_train_subjects" {
  command = plan

  assert {
    condition     = aws_iam_role.release_read[0].name == "github-release-read"
    error_message = "the role is <role_name_prefix>release-read (covered by infra-apply's Deny on the CI identity)"
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.trust["release-read"].json).Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = [
          "repo:example-org/demo-app:environment:production:ref:refs/heads/main",
          "repo:example-org/demo-app:environment:release-train:ref:refs/heads/main",
        ]
      }
    }
    error_message = "release-read must trust exactly the given subjects (StringEquals) with the sts audience"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.trust["release-read"].json).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
    error_message = "release-read is assumed with the GitHub OIDC token only"
  }
}

run "describes_only_the_given_endpoint_groups" {
  command = plan

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement) == 1
    error_message = "release-read has one statement"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Action == "globalaccelerator:DescribeEndpointGroup"
    error_message = "release-read may call DescribeEndpointGroup only"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Effect == "Allow" && toset(jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Resource) == toset(var.release_reader.endpoint_group_arns)
    error_message = "release-read must be scoped to exactly the given endpoint groups"
  }
}

run "the_other_roles_do_not_change" {
  command = plan

  variables {
    publishers = {
      demo-app = {
        subject             = "environment:production:ref:refs/heads/main"
        push_repository_arn = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"
      }
    }
  }

  assert {
    condition     = toset(keys(data.aws_iam_policy_document.trust)) == toset(["plan", "apply", "publish-demo-app", "release-read"])
    error_message = "release_reader adds one trust and no other"
  }
}

run "rejects_a_wildcard_subject" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { subjects = ["environment:*:ref:refs/heads/main"] })
  }

  expect_failures = [var.release_reader]
}

run "rejects_a_pull_request_subject" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { subjects = ["pull_request:ref:refs/pull/1/merge"] })
  }

  expect_failures = [var.release_reader]
}

run "rejects_no_subject" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { subjects = [] })
  }

  expect_failures = [var.release_reader]
}

run "rejects_the_infra_apply_subject" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { subjects = ["environment:infrastructure:ref:refs/heads/main"] })
  }

  expect_failures = [var.release_reader]
}

run "rejects_an_unscoped_resource" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { endpoint_group_arns = ["*"] })
  }

  expect_failures = [var.release_reader]
}

run "rejects_an_accelerator_arn" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh"] })
  }

  expect_failures = [var.release_reader]
}

run "rejects_a_partial_wildcard" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/1234*/listener/*/endpoint-group/*"] })
  }

  expect_failures = [var.release_reader]
}

run "rejects_no_endpoint_group" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { endpoint_group_arns = [] })
  }

  expect_failures = [var.release_reader]
}

# The live tree (global/github-oidc) is applied before the accelerator exists: its endpoint groups
# as an account-wide endpoint-group pattern is valid.
run "accepts_the_account_wide_endpoint_group_pattern" {
  command = plan

  variables {
    release_reader = merge(var.release_reader, { endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"] })
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Resource == "arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"
    error_message = "the pattern is the only resource"
  }
}
