# The flow-log bucket (issue #20), created unless var.flow_logs names an existing one. Global
# Accelerator delivers flow logs through CloudWatch Logs' vended-log delivery, which writes as
# delivery.logs.amazonaws.com: the bucket policy below is the one AWS documents for flow logs to S3
# (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html: PutObject with
# bucket-owner-full-control under <prefix>AWSLogs/<account>/, GetBucketAcl and ListBucket, scoped
# by aws:SourceAccount and aws:SourceArn), and "the bucket must exist and have a bucket policy that
# grants Global Accelerator permission to write" (API reference, AcceleratorAttributes).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  create_flow_logs_bucket = var.flow_logs != null && try(var.flow_logs.s3_bucket, null) == null
  account_id              = data.aws_caller_identity.current.account_id
  # Under the accelerator's name ("<environment>-..."): infra-apply may manage only such buckets.
  flow_logs_bucket = coalesce(try(var.flow_logs.s3_bucket, null), lower("${var.name}-flow-logs-${local.account_id}"))
  flow_logs_arn    = "arn:${data.aws_partition.current.partition}:s3:::${local.flow_logs_bucket}"
  # Delivery for this account only, from any region's log service (Global Accelerator's is us-west-2).
  from_this_account = {
    StringEquals = { "aws:SourceAccount" = local.account_id }
    ArnLike      = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:logs:*:${local.account_id}:*" }
  }
}

# SSE-S3, not a customer-managed KMS key: log delivery writes without a key policy of its own.
#trivy:ignore:AVD-AWS-0132
resource "aws_s3_bucket" "flow_logs" {
  count  = local.create_flow_logs_bucket ? 1 : 0
  bucket = local.flow_logs_bucket

  lifecycle {
    precondition {
      condition     = length(local.flow_logs_bucket) <= 63
      error_message = "the flow-log bucket name \"<name>-flow-logs-<account>\" is longer than S3's 63 characters: shorten name or pass flow_logs.s3_bucket."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "flow_logs" {
  count  = local.create_flow_logs_bucket ? 1 : 0
  bucket = aws_s3_bucket.flow_logs[0].bucket

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs off: log delivery's bucket-owner-full-control objects are owned by the bucket owner.
resource "aws_s3_bucket_ownership_controls" "flow_logs" {
  count  = local.create_flow_logs_bucket ? 1 : 0
  bucket = aws_s3_bucket.flow_logs[0].bucket

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# SSE-S3: log delivery can write without a KMS key policy of its own.
#trivy:ignore:AVD-AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "flow_logs" {
  count  = local.create_flow_logs_bucket ? 1 : 0
  bucket = aws_s3_bucket.flow_logs[0].bucket

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "flow_logs" {
  count  = local.create_flow_logs_bucket ? 1 : 0
  bucket = aws_s3_bucket.flow_logs[0].bucket

  rule {
    id     = "expire-flow-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.flow_logs.retention_days
    }
  }
}

resource "aws_s3_bucket_policy" "flow_logs" {
  count  = local.create_flow_logs_bucket ? 1 : 0
  bucket = aws_s3_bucket.flow_logs[0].bucket
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSLogDeliveryWrite"
        Effect    = "Allow"
        Principal = { Service = "delivery.logs.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${local.flow_logs_arn}/${var.flow_logs.s3_prefix}AWSLogs/${local.account_id}/*"
        Condition = merge(local.from_this_account, {
          StringEquals = merge(local.from_this_account.StringEquals, { "s3:x-amz-acl" = "bucket-owner-full-control" })
        })
      },
      {
        Sid       = "AWSLogDeliveryAclCheck"
        Effect    = "Allow"
        Principal = { Service = "delivery.logs.amazonaws.com" }
        Action    = ["s3:GetBucketAcl", "s3:ListBucket"]
        Resource  = local.flow_logs_arn
        Condition = local.from_this_account
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.flow_logs_arn, "${local.flow_logs_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  # The public access block first: it allows this (non-public) policy either way, but S3 applies
  # both to the same bucket and a concurrent change can be refused.
  depends_on = [aws_s3_bucket_public_access_block.flow_logs]
}
