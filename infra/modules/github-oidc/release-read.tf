# --- release-read: the release train reads the Global Accelerator dials, nothing else -------------
#
# tools/release decides whether the platform is failed over from `aws globalaccelerator
# describe-endpoint-group` of the primary and the standby group (tools/release/src/train/failover.ts);
# no other AWS call. The role exists only when var.release_reader is set.
#
# AWS Service Authorization Reference, "Actions, resources, and condition keys for AWS Global
# Accelerator" (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglobalaccelerator.html):
# DescribeEndpointGroup is a Read action whose required resource type is `endpointgroup`,
# arn:${Partition}:globalaccelerator::${Account}:accelerator/${ResourceId}/listener/${ListenerId}/endpoint-group/${EndpointGroupId},
# so the policy names the endpoint groups (no "*" resource, no other action).

locals {
  release_read_trust = var.release_reader == null ? {} : {
    release-read = {
      test     = "StringEquals"
      subjects = [for s in var.release_reader.subjects : "${local.subject_prefix}:${s}"]
    }
  }
}

data "aws_iam_policy_document" "release_read" {
  count = var.release_reader == null ? 0 : 1

  statement {
    sid       = "DescribeEndpointGroups"
    actions   = ["globalaccelerator:DescribeEndpointGroup"]
    resources = var.release_reader.endpoint_group_arns
  }
}

resource "aws_iam_role" "release_read" {
  count = var.release_reader == null ? 0 : 1

  name                 = "${var.role_name_prefix}release-read"
  description          = "Release train of ${var.github_repository}: describe the Global Accelerator endpoint groups only"
  assume_role_policy   = data.aws_iam_policy_document.trust["release-read"].json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy" "release_read" {
  count = var.release_reader == null ? 0 : 1

  name   = "ga-endpoint-groups-read"
  role   = aws_iam_role.release_read[0].id
  policy = data.aws_iam_policy_document.release_read[0].json
}
