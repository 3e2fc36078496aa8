locals {
  oidc_host = "token.actions.githubusercontent.com"
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : (
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.oidc_host}"
  )

  # Subjects are exact strings compared with StringEquals: no wildcard can widen them.
  subjects = {
    plan    = [for s in var.plan_subjects : "repo:${var.github_repository}:${s}"]
    apply   = [for s in var.apply_subjects : "repo:${var.github_repository}:${s}"]
    publish = [for s in var.publish_subjects : "repo:${var.github_repository}:${s}"]
  }
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
  for_each = local.subjects

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
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value
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

  # ReadOnlyAccess is broad; a pull request's code must not read secrets or other buckets' data.
  statement {
    sid    = "DenySecretReads"
    effect = "Deny"
    actions = [
      "secretsmanager:GetSecretValue",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:GetParametersByPath",
      "kms:Decrypt",
    ]
    resources = ["*"]
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
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "apply" {
  for_each = toset(var.apply_policy_arns)

  role       = aws_iam_role.apply.name
  policy_arn = each.value
}

# --- app-publish: push the demo-app image, nothing else ------------------------------------------

# ecr:GetAuthorizationToken supports no resource-level scoping: "*" is the only valid resource.
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "publish" {
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
    resources = var.ecr_push_repository_arns
  }

  dynamic "statement" {
    for_each = length(var.ecr_read_repository_arns) > 0 ? [1] : []
    content {
      sid       = "EcrReadReplicas"
      actions   = ["ecr:DescribeImages", "ecr:BatchGetImage"]
      resources = var.ecr_read_repository_arns
    }
  }
}

resource "aws_iam_role" "publish" {
  name                 = "${var.role_name_prefix}app-publish"
  description          = "Image publishing from ${var.github_repository}: push to the listed ECR repositories only"
  assume_role_policy   = data.aws_iam_policy_document.trust["publish"].json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy" "publish" {
  name   = "ecr-push"
  role   = aws_iam_role.publish.id
  policy = data.aws_iam_policy_document.publish.json
}
