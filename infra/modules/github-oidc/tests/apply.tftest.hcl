# infra-apply's policy (apply-policy.tf), with mocked data sources: the statements are asserted
# directly on the policy document's inputs.
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
  }
}

run "no_administrator_access" {
  command = plan

  assert {
    condition     = aws_iam_policy.apply["services"].policy == data.aws_iam_policy_document.apply.json && aws_iam_policy.apply["iam"].policy == data.aws_iam_policy_document.apply_iam.json && toset([for a in aws_iam_role_policy_attachment.apply : a.role]) == toset([aws_iam_role.apply.name])
    error_message = "infra-apply must carry the two customer-managed policies built in apply-policy.tf"
  }

  assert {
    condition = alltrue([
      for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : !contains(coalesce(s.actions, []), "*") && !contains(coalesce(s.actions, []), "iam:*")
    ])
    error_message = "no statement may allow every action, or every IAM action"
  }
}

run "iam_writes_only_under_the_managed_prefix" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : [
        for r in coalesce(s.resources, []) : startswith(r, "arn:aws:iam::111111111111:role/prod-") || startswith(r, "arn:aws:iam::111111111111:policy/prod-") || startswith(r, "arn:aws:iam::111111111111:oidc-provider/oidc.eks.") || (r == "*" && alltrue([for a in s.actions : startswith(a, "iam:Get") || startswith(a, "iam:List") || a == "iam:CreateServiceLinkedRole" || !startswith(a, "iam:")]))
      ] if s.effect != "Deny" && anytrue([for a in coalesce(s.actions, []) : startswith(a, "iam:") && !startswith(a, "iam:Get") && !startswith(a, "iam:List")])
    ]))
    error_message = "IAM write actions must be limited to prod-* roles/policies and EKS OIDC providers"
  }

  assert {
    condition     = toset(one(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.condition if s.sid == "PassWorkloadRoles"])).values) == toset(["eks.amazonaws.com", "ec2.amazonaws.com", "pods.eks.amazonaws.com", "vpc-flow-logs.amazonaws.com"])
    error_message = "PassRole must be limited to EKS, EC2, Pod Identity and VPC Flow Logs (the vpc units' flow-log role)"
  }
}

run "roles_it_creates_must_carry_the_boundary" {
  command = plan

  assert {
    condition     = toset(one(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.condition if s.sid == "WorkloadRolesBounded"])).values) == toset(["arn:aws:iam::111111111111:policy/github-workload-boundary"])
    error_message = "creating or re-permissioning a role must require the workload boundary"
  }

  assert {
    condition     = contains(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.actions if s.sid == "WorkloadRolesBounded"]), "iam:CreateRole") && contains(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.actions if s.sid == "WorkloadRolesBounded"]), "iam:PutRolePolicy")
    error_message = "CreateRole and PutRolePolicy must be in the bounded statement"
  }

  assert {
    condition     = !anytrue([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : contains(coalesce(s.actions, []), "iam:CreateRole") && s.sid != "WorkloadRolesBounded" && s.effect != "Deny"])
    error_message = "no other statement may allow CreateRole"
  }

  assert {
    condition     = aws_iam_policy.workload_boundary.name == "github-workload-boundary"
    error_message = "the boundary policy must be named <role_name_prefix>workload-boundary"
  }

  assert {
    condition     = !anytrue([for a in one(data.aws_iam_policy_document.workload_boundary.statement).actions : startswith(a, "s3:") || startswith(a, "sts:") || startswith(a, "secretsmanager:") || (startswith(a, "iam:") && !contains(["iam:CreateServiceLinkedRole", "iam:GetServerCertificate", "iam:ListServerCertificates"], a))])
    error_message = "the workload boundary must not allow S3, STS, Secrets Manager or IAM writes"
  }
}

run "boundary_can_be_switched_off" {
  command = plan

  variables {
    enforce_workload_permissions_boundary = false
  }

  assert {
    condition     = length(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.condition if s.sid == "WorkloadRolesBounded"])) == 0
    error_message = "without enforcement the statement carries no boundary condition"
  }
}

run "the_ci_identity_and_state_are_protected" {
  command = plan

  assert {
    condition = toset(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.resources if s.sid == "DenyChangingTheCiIdentity"])) == toset([
      "arn:aws:iam::111111111111:role/github-*",
      "arn:aws:iam::111111111111:policy/github-*",
      "arn:aws:iam::111111111111:policy/github-workload-boundary",
      "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
    ])
    error_message = "infra-apply must be denied changes to the CI roles, their policies and the GitHub OIDC provider"
  }

  assert {
    condition     = one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.effect if s.sid == "DenyChangingTheCiIdentity"]) == "Deny"
    error_message = "the CI identity protection must be a Deny"
  }

  assert {
    condition     = contains(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.actions if s.sid == "DenyStateBucketChanges"]), "s3:DeleteBucket") && contains(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.resources if s.sid == "DenyStateBucketChanges"]), "arn:aws:s3:::tfstate-111111111111-eu-central-1")
    error_message = "deleting the state bucket must be denied"
  }

  assert {
    condition     = one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.effect if s.sid == "DenyRemovingBoundaries"]) == "Deny"
    error_message = "removing a permissions boundary must be denied"
  }
}

# `terragrunt backend bootstrap` with disable_bucket_update (root.hcl) calls HeadBucket
# (s3:ListBucket) and GetBucketVersioning; Terraform's S3 backend with use_lockfile reads and writes
# <key> and <key>.tflock (GetObject, PutObject, DeleteObject) and lists the bucket. Every one of
# them must be allowed on every state bucket and denied by no statement; the bucket's settings
# must stay out of reach.
run "state_backend_and_bootstrap_calls_are_allowed" {
  command = plan

  variables {
    state_bucket_arns = [
      "arn:aws:s3:::tfstate-111111111111-eu-central-1",
      "arn:aws:s3:::tfstate-111111111111-us-west-2",
    ]
  }

  assert {
    condition = alltrue(flatten([
      for b in var.state_bucket_arns : [
        for a in ["s3:ListBucket", "s3:GetBucketVersioning"] : anytrue([
          for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.effect != "Deny" && contains(coalesce(s.actions, []), a) && contains(coalesce(s.resources, []), b)
        ])
      ]
    ]))
    error_message = "infra-apply must be allowed s3:ListBucket (HeadBucket) and s3:GetBucketVersioning on every state bucket"
  }

  assert {
    condition = alltrue(flatten([
      for b in var.state_bucket_arns : [
        for a in ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : anytrue([
          for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.effect != "Deny" && contains(coalesce(s.actions, []), a) && contains(coalesce(s.resources, []), "${b}/*")
        ])
      ]
    ]))
    error_message = "infra-apply must be allowed GetObject, PutObject and DeleteObject on the state and .tflock objects of every state bucket"
  }

  assert {
    condition = !anytrue([
      for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.effect == "Deny" && length(setintersection(toset(coalesce(s.actions, [])), toset(["s3:ListBucket", "s3:GetBucketVersioning", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:*"]))) > 0
    ])
    error_message = "no Deny statement may block a call of the backend or of its bootstrap"
  }

  assert {
    condition = alltrue([
      for b in var.state_bucket_arns : length(setsubtract(
        ["s3:PutEncryptionConfiguration", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutBucketVersioning", "s3:DeleteBucket"],
        one([for s in data.aws_iam_policy_document.apply_iam.statement : s.actions if s.sid == "DenyStateBucketChanges" && contains(s.resources, b)])
      )) == 0
    ])
    error_message = "changing a state bucket's encryption, policy, public access block or versioning must be denied on every state bucket"
  }
}

run "ecr_writes_only_on_the_listed_repositories" {
  command = plan

  assert {
    condition     = toset(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.resources if s.sid == "EcrRepositories"])) == toset(["arn:aws:ecr:eu-central-1:111111111111:repository/demo-app", "arn:aws:ecr:eu-west-2:111111111111:repository/demo-app"])
    error_message = "ecr:* must be limited to the tree's repositories"
  }
}

run "eks_writes_only_on_managed_clusters" {
  command = plan

  assert {
    condition     = alltrue([for r in one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.resources if s.sid == "EksClusters"]) : strcontains(r, ":cluster/prod-") || strcontains(r, ":*/prod-")])
    error_message = "eks:* must be limited to clusters named prod-* and their children"
  }
}

# infra-plan (ReadOnlyAccess) must not read secrets or data.
run "plan_role_cannot_read_secrets_or_data" {
  command = plan

  assert {
    condition = length(setsubtract([
      "secretsmanager:GetSecretValue",
      "secretsmanager:BatchGetSecretValue",
      "kms:Decrypt",
      "lambda:GetFunction",
      "logs:GetLogEvents",
      "dynamodb:GetItem",
      "dynamodb:Scan",
    ], one([for s in data.aws_iam_policy_document.plan.statement : s.actions if s.sid == "DenySecretAndDataReads"]))) == 0
    error_message = "infra-plan must be denied secret values, decryption, function code, log events and table items"
  }

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.plan.statement : s.actions if s.sid == "DenyParameterValues"]), "ssm:GetParameterHistory") && toset(one([for s in data.aws_iam_policy_document.plan.statement : s.not_resources if s.sid == "DenyParameterValues"])) == toset(["arn:aws:ssm:*::parameter/aws/service/*"])
    error_message = "parameter values (history included) must be denied except AWS's public /aws/service parameters"
  }
}

run "additional_policy_prefixes_widen_only_policy_writes" {
  command = plan

  variables {
    additional_policy_name_prefixes = ["AmazonEKS_"]
  }

  assert {
    condition     = contains(one([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : s.resources if s.sid == "WorkloadPolicies"]), "arn:aws:iam::111111111111:policy/AmazonEKS_*")
    error_message = "the additional prefix must be allowed for customer-managed policies"
  }

  assert {
    condition     = !anytrue([for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.apply_iam.statement) : contains(coalesce(s.resources, []), "arn:aws:iam::111111111111:role/AmazonEKS_*")])
    error_message = "an additional policy prefix must not allow roles"
  }
}

run "rejects_a_policy_prefix_overlapping_the_ci_roles" {
  command = plan

  variables {
    additional_policy_name_prefixes = ["github"]
  }

  expect_failures = [var.additional_policy_name_prefixes]
}

# Issue #20: VPC flow logs (vpc units: a CloudWatch log group /aws/vpc-flow-log/<environment>-<region>
# and a bounded "<environment>-...-vpc-flow-log" role) and Global Accelerator flow logs (an S3
# bucket "<name>-flow-logs-<account>", name under the managed prefix, written by AWS log delivery).
run "flow_log_destinations_only_under_the_managed_prefix" {
  command = plan

  assert {
    condition = toset([
      "arn:aws:logs:*:111111111111:log-group:/aws/vpc-flow-log/prod-*",
      "arn:aws:logs:*:111111111111:log-group:/aws/vpc-flow-log/prod-*:*",
    ]) == setintersection(toset(one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "ClusterLogGroups"])), toset(["arn:aws:logs:*:111111111111:log-group:/aws/vpc-flow-log/prod-*", "arn:aws:logs:*:111111111111:log-group:/aws/vpc-flow-log/prod-*:*"]))
    error_message = "infra-apply must manage the VPC flow-log groups /aws/vpc-flow-log/prod-*"
  }

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "FlowLogBuckets"])) == toset(["arn:aws:s3:::prod-*"])
    error_message = "bucket writes must be limited to buckets named prod-* (never the tfstate-* buckets)"
  }

  assert {
    condition     = !anytrue([for a in one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "FlowLogBuckets"]) : contains(["s3:*", "s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:PutBucketAcl"], a)])
    error_message = "infra-apply manages the flow-log bucket's settings, never its objects or ACLs"
  }

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "LogDelivery"])) == toset(["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries"])
    error_message = "enabling vended flow logs needs the CloudWatch Logs delivery calls, and only those"
  }

  assert {
    condition     = contains(one(data.aws_iam_policy_document.workload_boundary.statement).actions, "logs:DescribeLogGroups")
    error_message = "the flow-log role (bounded) must keep the module's logs:DescribeLogGroups"
  }
}

# Issue #14: infra-apply can manage the primary's Route 53 health checks, and the workload boundary
# lets the failover controller read their status (its role policy names the checks).

run "route53_health_checks_for_the_failover_witness" {
  command = plan

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "Route53HealthChecks"]), "route53:CreateHealthCheck")
    error_message = "infra-apply must be able to create the primary's health checks"
  }

  assert {
    condition     = !anytrue([for s in data.aws_iam_policy_document.apply.statement : contains(coalesce(s.actions, []), "route53:ChangeResourceRecordSets")])
    error_message = "health checks only: no DNS record changes"
  }

  assert {
    condition     = toset([for a in one(data.aws_iam_policy_document.workload_boundary.statement).actions : a if startswith(a, "route53:")]) == toset(["route53:GetHealthCheckStatus"])
    error_message = "the workload boundary must let the failover controller read health check status, and nothing else of Route 53"
  }
}

# The apply job runs up to 120 minutes and asks for a 7200 s session (infra-merge.yml,
# role-duration-seconds); STS refuses a session longer than the role's maximum.
run "apply_session_outlasts_the_apply_job" {
  command = plan

  assert {
    condition     = aws_iam_role.apply.max_session_duration >= 7200
    error_message = "infra-apply's max_session_duration must cover the 120-minute apply job"
  }

  assert {
    condition     = aws_iam_role.plan.max_session_duration == var.max_session_duration
    error_message = "only infra-apply gets the longer session"
  }
}

run "apply_session_shorter_than_the_job_is_refused" {
  command = plan

  variables {
    apply_max_session_duration = 3600
  }

  expect_failures = [var.apply_max_session_duration]
}
