# What infra-apply may do, instead of AdministratorAccess. The list follows what this tree manages:
#   vpc (terraform-aws-modules/vpc)   EC2 networking: VPC, subnets, routes, IGW, NAT gateways, EIPs
#   eks (terraform-aws-modules/eks)   EKS cluster, add-ons, access entries, managed node groups,
#                                     security groups, launch templates, KMS key, log group, IAM
#                                     roles/policies, IRSA OIDC provider, AMI release from SSM
#   ecr (terraform-aws-modules/ecr)   the listed repositories, registry replication
#   kubernetes (local)                Pod Identity roles and associations, reads of the NLB
#   global-accelerator (local)        accelerator, listener, endpoint groups, flow-log bucket
#   vpc flow logs (#20)               log group /aws/vpc-flow-log/<env>-..., bounded role
#   failover-iam (local)              one role, its inline policy, one Pod Identity association
#   root.hcl                          state objects and S3 lock files in the state buckets
# IAM writes are limited to names under var.managed_name_prefix ("prod-": cluster names, the
# controllers' Pod Identity roles, the failover role) and, when enforced (the default), to roles
# that carry the workload boundary below, so the role cannot mint itself an unbounded
# administrator. Explicit Deny statements protect the CI
# identity itself (the three roles, their policies, the GitHub OIDC provider) and the state
# buckets: those change only through a human with admin credentials (global/github-oidc is
# applied by hand, see infra/docs/first-deployment.md, step 3).

locals {
  boundary_name = coalesce(var.workload_boundary_policy_name, "${var.role_name_prefix}workload-boundary")
  boundary_arn  = "arn:${local.partition}:iam::${local.account_id}:policy/${local.boundary_name}"

  iam_arn = "arn:${local.partition}:iam::${local.account_id}"
  managed = var.managed_name_prefix

  ecr_repository_arns = distinct(flatten([for p in values(var.publishers) : concat([p.push_repository_arn], p.read_repository_arns)]))

  # Role-changing calls that AWS evaluates against iam:PermissionsBoundary (the boundary the role
  # has or is given).
  bounded_role_actions = [
    "iam:CreateRole",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
  ]
}

# EC2 networking and node resources have random ids known only after creation, and the VPC module
# touches several dozen ec2 actions: "ec2:*" is the readable choice (see README, residual risk).
# Read-only "*" resources are what Describe/List APIs accept.
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "apply" {
  # What `terragrunt backend bootstrap` (run by infra-ci before each apply; root.hcl sets
  # disable_bucket_update) and Terraform's S3 backend call on the buckets: HeadBucket (authorised
  # as s3:ListBucket; a 403 would make Terragrunt try to CREATE the bucket), GetBucketVersioning,
  # ListObjectsV2 (s3:ListBucket) for workspaces, GetBucketLocation for the region lookup. Nothing
  # that reads or writes the bucket's encryption, policy or public access block: those are set once
  # by an admin (infra/docs/state.md), and their writes are denied below.
  statement {
    sid       = "StateBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketVersioning", "s3:GetBucketLocation"]
    resources = var.state_bucket_arns
  }

  # State and <key>.tflock objects (use_lockfile: the lock is created with a conditional PutObject,
  # read with GetObject and released with DeleteObject): write and delete the current version only.
  statement {
    sid       = "StateObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [for b in var.state_bucket_arns : "${b}/*"]
  }

  statement {
    sid       = "Networking"
    actions   = ["ec2:*"]
    resources = ["*"]
  }

  # EKS clusters are named "<environment>-<region>"; node groups, add-ons, access entries and
  # Pod Identity associations are children of the cluster ARN (<type>/<cluster>/...).
  statement {
    sid     = "EksClusters"
    actions = ["eks:*"]
    resources = [
      "arn:${local.partition}:eks:*:${local.account_id}:cluster/${local.managed}*",
      "arn:${local.partition}:eks:*:${local.account_id}:*/${local.managed}*/*",
    ]
  }

  statement {
    sid       = "EksRead"
    actions   = ["eks:Describe*", "eks:List*"]
    resources = ["*"]
  }

  # The EKS module reads the AMI release version of managed node groups from AWS's public SSM
  # parameters; nothing else in SSM.
  statement {
    sid       = "EksAmiParameters"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = ["arn:${local.partition}:ssm:*::parameter/aws/service/eks/*"]
  }

  statement {
    sid       = "EcrRepositories"
    actions   = ["ecr:*"]
    resources = local.ecr_repository_arns
  }

  # Registry-level settings (replication) have no repository ARN.
  statement {
    sid = "EcrRegistry"
    actions = [
      "ecr:DescribeRegistry",
      "ecr:PutReplicationConfiguration",
      "ecr:DescribeRepositories",
      "ecr:GetRegistryPolicy",
      "ecr:GetRegistryScanningConfiguration",
    ]
    resources = ["*"]
  }

  # One accelerator; CreateAccelerator has no resource ARN before it exists, and the accelerator
  # API is small (no data reads).
  statement {
    sid       = "GlobalAccelerator"
    actions   = ["globalaccelerator:*"]
    resources = ["*"]
  }

  # The primary's Route 53 health checks (global/primary-health-check, the failover controller's
  # second witness, issue #14). CreateHealthCheck has no resource ARN before the check exists.
  statement {
    sid = "Route53HealthChecks"
    actions = [
      "route53:CreateHealthCheck",
      "route53:GetHealthCheck",
      "route53:UpdateHealthCheck",
      "route53:DeleteHealthCheck",
      "route53:ChangeTagsForResource",
      "route53:ListTagsForResource",
    ]
    resources = ["*"]
  }

  # The NLB is created by the in-cluster LB controller; Terraform only reads it.
  statement {
    sid       = "LoadBalancerRead"
    actions   = ["elasticloadbalancing:Describe*", "autoscaling:Describe*"]
    resources = ["*"]
  }

  # The EKS secrets-encryption key: created by the eks module, administered by this role
  # (kms_key_administrators in _common/eks.hcl). Key ids are random, aliases are alias/eks/<cluster>.
  # No Encrypt/Decrypt: grants for the cluster are created for AWS resources only.
  statement {
    sid       = "KmsCreate"
    actions   = ["kms:CreateKey", "kms:ListAliases", "kms:ListKeys"]
    resources = ["*"]
  }

  statement {
    sid = "KmsManage"
    actions = [
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:EnableKeyRotation",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:ScheduleKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
    ]
    resources = [
      "arn:${local.partition}:kms:*:${local.account_id}:key/*",
      "arn:${local.partition}:kms:*:${local.account_id}:alias/eks/${local.managed}*",
    ]
  }

  statement {
    sid       = "KmsGrantsForEks"
    actions   = ["kms:CreateGrant"]
    resources = ["arn:${local.partition}:kms:*:${local.account_id}:key/*"]

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  # The cluster's control-plane log group (/aws/eks/<cluster>/cluster) and the VPC flow-log group
  # (_common/vpc.hcl: /aws/vpc-flow-log/<environment>-<region>).
  statement {
    sid = "ClusterLogGroups"
    actions = [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:TagLogGroup",
      "logs:ListTagsForResource",
      "logs:ListTagsLogGroup",
    ]
    resources = [
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/eks/${local.managed}*",
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/eks/${local.managed}*:*",
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/vpc-flow-log/${local.managed}*",
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/vpc-flow-log/${local.managed}*:*",
    ]
  }

  # The accelerator's flow-log bucket (modules/global-accelerator/flow-logs.tf, named
  # "<environment>-...-flow-logs-<account>"): its settings and policy, never its objects or ACLs.
  # The state buckets (tfstate-*) are outside the prefix, and DenyStateBucketChanges wins anyway.
  statement {
    sid = "FlowLogBuckets"
    actions = [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:ListBucket",
      "s3:GetBucket*",
      "s3:GetAccelerateConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketOwnershipControls",
      "s3:PutEncryptionConfiguration",
      "s3:PutLifecycleConfiguration",
      "s3:PutBucketTagging",
    ]
    resources = ["arn:${local.partition}:s3:::${local.managed}*"]
  }

  # Turning on vended flow logs (Global Accelerator to S3) creates a CloudWatch Logs delivery with
  # the caller's rights; these calls have no resource-level permissions.
  statement {
    sid = "LogDelivery"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "LogsRead"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }
}

# IAM (the roles, policies and OIDC providers the tree creates) and the explicit denies, in a
# second managed policy: one policy would come within a few hundred characters of IAM's 6,144
# limit with three state buckets, and every added region adds bucket ARNs.
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "apply_iam" {
  statement {
    sid       = "IamRead"
    actions   = ["iam:Get*", "iam:List*"]
    resources = ["*"]
  }

  # Creating or changing the permissions of a workload role requires the workload boundary on it.
  statement {
    sid       = "WorkloadRolesBounded"
    actions   = local.bounded_role_actions
    resources = ["${local.iam_arn}:role/${local.managed}*"]

    dynamic "condition" {
      for_each = var.enforce_workload_permissions_boundary ? [1] : []
      content {
        test     = "StringEquals"
        variable = "iam:PermissionsBoundary"
        values   = [local.boundary_arn]
      }
    }
  }

  statement {
    sid = "WorkloadRoles"
    actions = [
      "iam:DeleteRole",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
    ]
    resources = ["${local.iam_arn}:role/${local.managed}*"]
  }

  statement {
    sid = "WorkloadPolicies"
    actions = [
      "iam:CreatePolicy",
      "iam:DeletePolicy",
      "iam:CreatePolicyVersion",
      "iam:DeletePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:TagPolicy",
      "iam:UntagPolicy",
    ]
    resources = concat(
      ["${local.iam_arn}:policy/${local.managed}*"],
      [for p in var.additional_policy_name_prefixes : "${local.iam_arn}:policy/${p}*"],
    )
  }

  # EKS (cluster and node roles), Pod Identity associations and VPC flow logs (the vpc units'
  # flow-log role) pass workload roles; only to those services.
  statement {
    sid       = "PassWorkloadRoles"
    actions   = ["iam:PassRole"]
    resources = ["${local.iam_arn}:role/${local.managed}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["eks.amazonaws.com", "ec2.amazonaws.com", "pods.eks.amazonaws.com", "vpc-flow-logs.amazonaws.com"]
    }
  }

  # IRSA: the eks module creates the cluster's own OIDC provider (oidc.eks.<region>.amazonaws.com).
  statement {
    sid = "ClusterOidcProviders"
    actions = [
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
    ]
    resources = ["${local.iam_arn}:oidc-provider/oidc.eks.*"]
  }

  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values = [
        "eks.amazonaws.com",
        "eks-nodegroup.amazonaws.com",
        "autoscaling.amazonaws.com",
        "elasticloadbalancing.amazonaws.com",
        "globalaccelerator.amazonaws.com",
        # AWSServiceRoleForECRReplication: created on the first PutReplicationConfiguration
        # (eu-central-1/ecr's registry replication), with the caller's permission.
        "replication.ecr.amazonaws.com",
      ]
    }
  }

  # --- explicit denies: they win over any Allow, including ones added later by mistake ---------

  # The CI identity (its roles, their policies including this one and the boundary, and the GitHub
  # OIDC provider) is changed only by a human: otherwise a change merged to main could widen
  # infra-apply's own trust or make infra-plan (reachable from any pull request) powerful.
  statement {
    sid         = "DenyChangingTheCiIdentity"
    effect      = "Deny"
    not_actions = ["iam:Get*", "iam:List*"]
    resources = [
      "${local.iam_arn}:role/${var.role_name_prefix}*",
      "${local.iam_arn}:policy/${var.role_name_prefix}*",
      "${local.iam_arn}:policy/${local.boundary_name}",
      "${local.iam_arn}:oidc-provider/${local.oidc_host}",
    ]
  }

  # A bounded role must stay bounded.
  statement {
    sid       = "DenyRemovingBoundaries"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  # The state buckets' settings and old state versions are the recovery path: never from CI.
  statement {
    sid    = "DenyStateBucketChanges"
    effect = "Deny"
    actions = [
      "s3:DeleteBucket",
      "s3:DeleteBucketPolicy",
      "s3:PutBucketPolicy",
      "s3:PutBucketVersioning",
      "s3:PutLifecycleConfiguration",
      "s3:PutBucketAcl",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutEncryptionConfiguration",
      "s3:DeleteObjectVersion",
    ]
    resources = concat(var.state_bucket_arns, [for b in var.state_bucket_arns : "${b}/*"])
  }
}

# The ceiling of every role infra-apply creates (EKS cluster and node roles, the LB controller,
# Cluster Autoscaler and failover controller roles). Their own policies (AWS managed EKS policies,
# the published LB controller policy, ...) grant the actual permissions; the boundary only caps
# them at the services a cluster needs, so a role created from a merged change can never do more
# than run the cluster: no IAM writes (except service-linked roles), no S3 (state), no secrets,
# no STS into other roles.
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "workload_boundary" {
  statement {
    sid = "ClusterServices"
    actions = [
      "ec2:*",
      "elasticloadbalancing:*",
      "autoscaling:*",
      "eks:*",
      "eks-auth:AssumeRoleForPodIdentity",
      "globalaccelerator:*",
      # the failover controller's second witness (issue #14); its role policy names the checks
      "route53:GetHealthCheckStatus",
      "ecr:GetAuthorizationToken",
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:ListImages",
      "kms:CreateGrant",
      "kms:ListGrants",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:GenerateDataKey*",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
      "logs:DescribeLogGroups",
      "cloudwatch:PutMetricData",
      "acm:DescribeCertificate",
      "acm:ListCertificates",
      "iam:GetServerCertificate",
      "iam:ListServerCertificates",
      "iam:CreateServiceLinkedRole",
      "cognito-idp:DescribeUserPoolClient",
      "wafv2:GetWebACL",
      "wafv2:GetWebACLForResource",
      "wafv2:AssociateWebACL",
      "wafv2:DisassociateWebACL",
      "waf-regional:GetWebACL",
      "waf-regional:GetWebACLForResource",
      "waf-regional:AssociateWebACL",
      "waf-regional:DisassociateWebACL",
      "shield:GetSubscriptionState",
      "shield:DescribeProtection",
      "shield:CreateProtection",
      "shield:DeleteProtection",
      "tag:GetResources",
      "tag:TagResources",
    ]
    resources = ["*"]
  }
}
