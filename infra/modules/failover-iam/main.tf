data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  # The standby cluster's ARN, as EKS Pod Identity puts it in the eks-cluster-arn session tag.
  cluster_arn = "arn:${data.aws_partition.current.partition}:eks:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:cluster/${var.cluster_name}"
}

# pods.eks.amazonaws.com alone would let ANY Pod Identity association in the account (any cluster,
# any namespace) that names this role assume it. EKS Pod Identity tags every session with the
# cluster ARN, namespace and service account (session tags, hence sts:TagSession), so the trust pins
# all three, and aws:SourceAccount pins the calling account (confused-deputy guard). EKS documents
# these request tags for trust conditions; aws:SourceArn is not documented for Pod Identity, so the
# cluster is pinned through the eks-cluster-arn tag instead.
data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "EksPodIdentity"
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/eks-cluster-arn"
      values   = [local.cluster_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-namespace"
      values   = [var.namespace]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-service-account"
      values   = [var.service_account]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  description        = "Failover controller in ${var.cluster_name}: reads and sets the dials of two Global Accelerator endpoint groups"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  # The CI apply role may create roles only with the workload permissions boundary (github-oidc).
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

# Least privilege: exactly the two endpoint groups whose dials the controller reads and sets
# (DescribeEndpointGroup is GA's own health of the primary group, an independent witness), not
# "<accelerator>/*". GA's service authorization reference lists endpoint-group ARNs as the resource
# of both actions. Route 53: GetHealthCheckStatus on the primary's health checks only (the second
# witness, module primary-health-check); its resource is arn:aws:route53:::healthcheck/<id>.
data "aws_iam_policy_document" "dials" {
  statement {
    sid       = "ReadAndSetDials"
    actions   = ["globalaccelerator:DescribeEndpointGroup", "globalaccelerator:UpdateEndpointGroup"]
    resources = [var.primary_endpoint_group_arn, var.standby_endpoint_group_arn]
  }

  dynamic "statement" {
    for_each = length(var.route53_health_check_ids) > 0 ? [1] : []
    content {
      sid       = "ReadPrimaryHealthChecks"
      actions   = ["route53:GetHealthCheckStatus"]
      resources = [for id in var.route53_health_check_ids : "arn:${data.aws_partition.current.partition}:route53:::healthcheck/${id}"]
    }
  }
}

resource "aws_iam_role_policy" "dials" {
  name   = "global-accelerator-dials"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.dials.json
}

resource "aws_eks_pod_identity_association" "this" {
  cluster_name    = var.cluster_name
  namespace       = var.namespace
  service_account = var.service_account
  role_arn        = aws_iam_role.this.arn
  tags            = var.tags
}
