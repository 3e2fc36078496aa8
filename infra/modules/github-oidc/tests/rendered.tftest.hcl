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
