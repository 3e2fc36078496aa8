locals {
  oidc_host = "token.actions.githubusercontent.com"
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : (
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.oidc_host}"
  )

  partition      = data.aws_partition.current.partition
  account_id     = data.aws_caller_identity.current.account_id
  subject_prefix = coalesce(var.subject_prefix, "repo:${var.github_repository}")

  # The repository's OIDC subject template is ["repo", "context", "ref"] (infra/docs/first-deployment.md,
  # step 3): every token names its ref, so a trust can require refs/heads/main, which the
  # default template (repo + context only) cannot express for jobs that use an environment.
  #   pull request:            repo:O/R:pull_request:ref:refs/pull/<n>/merge
  #   job in environment E:    repo:O/R:environment:E:ref:refs/heads/main
  # infra-plan needs the PR number as a wildcard, so its test is StringLike; the pattern still starts
  # with the pull_request context, which no push, tag or environment job can produce (git refs
  # cannot contain ":"). The other two roles compare exact strings (StringEquals).
  trust = merge(
    {
      # drift_subjects (exact, no wildcard: validated) add the scheduled drift job on main.
      plan  = { test = "StringLike", subjects = [for s in concat(var.plan_subjects, var.drift_subjects) : "${local.subject_prefix}:${s}"] }
      apply = { test = "StringEquals", subjects = [for s in var.apply_subjects : "${local.subject_prefix}:${s}"] }
    },
    # One role per image, each trusting exactly one subject (its own environment on main).
    { for k, p in var.publishers : "publish-${k}" => { test = "StringEquals", subjects = ["${local.subject_prefix}:${p.subject}"] } },
    # release-read (release-read.tf): the release train's jobs, exact subjects.
    local.release_read_trust,
  )
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS validates GitHub's certificate against its own trust store; the thumbprint is still required
  # by older API versions and kept for compatibility.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
  tags            = var.tags
}

data "aws_iam_policy_document" "trust" {
  for_each = local.trust

  statement {
    sid     = "GitHubActions"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = each.value.test
      variable = "${local.oidc_host}:sub"
      values   = each.value.subjects
    }
  }
}

# --- infra-plan: read-only, pull requests --------------------------------------------------------

resource "aws_iam_role" "plan" {
  name                 = "${var.role_name_prefix}infra-plan"
  description          = "terragrunt plan from pull requests of ${var.github_repository}: read-only"
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}

# ReadOnlyAccess-style reads need "*"; the Deny statements use "*" on purpose.
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "plan" {
  statement {
    sid       = "StateRead"
    actions   = ["s3:ListBucket", "s3:GetBucketVersioning", "s3:GetBucketLocation"]
    resources = var.state_bucket_arns
  }

  statement {
    sid       = "StateObjectsRead"
    actions   = ["s3:GetObject"]
    resources = [for b in var.state_bucket_arns : "${b}/*"]
  }

  # use_lockfile: a plan takes the lock by writing <key>.tflock next to the state and deletes it.
  statement {
    sid       = "LockFilesWrite"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = [for b in var.state_bucket_arns : "${b}/*.tflock"]
  }

  # Why ReadOnlyAccess + denies rather than ViewOnlyAccess + a hand-written read list: a plan
  # refreshes every resource, and each provider version calls its own set of Describe/Get/List
  # APIs (the eks module alone reads launch template versions, KMS key policies, IAM roles, OIDC
  # providers, add-on versions); a hand list breaks plans on every provider upgrade. The denies
  # remove what a pull request's code must not read: secret values, parameter values, data in
  # logs, tables, queues and streams, function code, and decryption. An explicit Deny wins over
  # ReadOnlyAccess.
  statement {
    sid    = "DenySecretAndDataReads"
    effect = "Deny"
    actions = [
      "secretsmanager:GetSecretValue",
      "secretsmanager:BatchGetSecretValue",
      "kms:Decrypt",
      "lambda:GetFunction",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
      "logs:StartQuery",
      "logs:GetQueryResults",
      "logs:StartLiveTail",
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:GetRecords",
      "kinesis:GetRecords",
      "sqs:ReceiveMessage",
      "athena:GetQueryResults",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchGetImage",
    ]
    resources = ["*"]
  }

  # Parameter values (SecureString or not) are denied, except AWS's public parameters
  # (/aws/service/..., e.g. the EKS AMI release versions), which are not secret and which a plan of
  # the eks unit may read.
  statement {
    sid    = "DenyParameterValues"
    effect = "Deny"
    actions = [
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:GetParametersByPath",
      "ssm:GetParameterHistory",
    ]
    not_resources = ["arn:${local.partition}:ssm:*::parameter/aws/service/*"]
  }

  statement {
    sid           = "DenyOtherObjects"
    effect        = "Deny"
    actions       = ["s3:GetObject", "s3:GetObjectVersion"]
    not_resources = [for b in var.state_bucket_arns : "${b}/*"]
  }
}

resource "aws_iam_role_policy" "plan" {
  name   = "terraform-state"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.plan.json
}

# --- infra-apply: the `infrastructure` environment only (infra-merge on main) --------------------

resource "aws_iam_role" "apply" {
  name                 = "${var.role_name_prefix}infra-apply"
  description          = "terragrunt apply from ${var.github_repository}: the infrastructure environment (main) only"
  assume_role_policy   = data.aws_iam_policy_document.trust["apply"].json
  max_session_duration = var.apply_max_session_duration
  tags                 = var.tags
}

# Two customer-managed policies (apply-policy.tf): the services, and IAM plus the explicit denies.
locals {
  apply_policies = {
    services = { name = "${var.role_name_prefix}infra-apply", json = data.aws_iam_policy_document.apply.json }
    iam      = { name = "${var.role_name_prefix}infra-apply-iam", json = data.aws_iam_policy_document.apply_iam.json }
  }
}

resource "aws_iam_policy" "apply" {
  for_each = local.apply_policies

  name        = each.value.name
  description = "What terragrunt apply may change (${each.key}): the services of this tree, IAM only under ${var.managed_name_prefix}*"
  policy      = each.value.json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "apply" {
  for_each = aws_iam_policy.apply

  role       = aws_iam_role.apply.name
  policy_arn = each.value.arn
}

resource "aws_iam_policy" "workload_boundary" {
  name        = local.boundary_name
  description = "Permissions boundary of every IAM role the infra-apply role creates (cluster, nodes, controllers)"
  policy      = data.aws_iam_policy_document.workload_boundary.json
  tags        = var.tags
}

# --- publish-<image>: push one image to its one repository, nothing else ---------------------------

# ecr:GetAuthorizationToken supports no resource-level scoping: "*" is the only valid resource.
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "publish" {
  for_each = var.publishers

  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPush"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
      "ecr:BatchGetImage",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [each.value.push_repository_arn]
  }

  dynamic "statement" {
    for_each = length(each.value.read_repository_arns) > 0 ? [1] : []
    content {
      sid       = "EcrReadReplicas"
      actions   = ["ecr:DescribeImages", "ecr:BatchGetImage"]
      resources = each.value.read_repository_arns
    }
  }
}

resource "aws_iam_role" "publish" {
  for_each = var.publishers

  name                 = "${var.role_name_prefix}publish-${each.key}"
  description          = "Publishing the ${each.key} image from ${var.github_repository}: push to ${each.value.push_repository_arn} only"
  assume_role_policy   = data.aws_iam_policy_document.trust["publish-${each.key}"].json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy" "publish" {
  for_each = var.publishers

  name   = "ecr-push"
  role   = aws_iam_role.publish[each.key].id
  policy = data.aws_iam_policy_document.publish[each.key].json
}
