data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "EksPodIdentity"
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  description        = "Failover controller in ${var.cluster_name}: reads and sets the dials of one Global Accelerator"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags
}

# Listener and endpoint-group ARNs are children of the accelerator ARN
# (arn:...:accelerator/<id>/listener/<id>/endpoint-group/<id>), so "<accelerator>/*" scopes the
# policy to this accelerator's listeners and endpoint groups only.
data "aws_iam_policy_document" "dials" {
  statement {
    sid = "ReadAccelerator"
    actions = [
      "globalaccelerator:DescribeAccelerator",
      "globalaccelerator:ListListeners",
      "globalaccelerator:ListEndpointGroups",
      "globalaccelerator:DescribeEndpointGroup",
    ]
    resources = [var.accelerator_arn, "${var.accelerator_arn}/*"]
  }

  statement {
    sid       = "SetDials"
    actions   = ["globalaccelerator:UpdateEndpointGroup"]
    resources = ["${var.accelerator_arn}/*"]
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
