# Flow logs are on by default, into a bucket of the module's own that only AWS log delivery may
# write to (issue #20); turning them off needs a written reason.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name = "prod-demo-app"
  endpoint_groups = {
    "eu-central-1" = {
      endpoint_id             = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
      ports                   = [80]
      traffic_dial_percentage = 100
      weight                  = 128
    }
  }
}

run "on_by_default_into_the_modules_own_bucket" {
  command = plan

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_enabled
    error_message = "flow logs must be on by default"
  }

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_bucket == "prod-demo-app-flow-logs-111111111111" && aws_s3_bucket.flow_logs[0].bucket == "prod-demo-app-flow-logs-111111111111"
    error_message = "the accelerator must log into the bucket the module creates, named <name>-flow-logs-<account>"
  }

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_prefix == "global-accelerator/"
    error_message = "the default prefix must be global-accelerator/"
  }

  assert {
    condition     = output.flow_logs_bucket == "prod-demo-app-flow-logs-111111111111"
    error_message = "the bucket name must be an output"
  }
}

run "the_bucket_is_private_encrypted_and_expires_logs" {
  command = plan

  assert {
    condition     = aws_s3_bucket_public_access_block.flow_logs[0].block_public_acls && aws_s3_bucket_public_access_block.flow_logs[0].block_public_policy && aws_s3_bucket_public_access_block.flow_logs[0].ignore_public_acls && aws_s3_bucket_public_access_block.flow_logs[0].restrict_public_buckets
    error_message = "all four public access blocks must be on"
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.flow_logs[0].rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (the bucket owner owns every log object)"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.flow_logs[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "log objects must be encrypted (SSE-S3)"
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.flow_logs[0].rule).expiration).days == 365
    error_message = "logs must expire after the retention (default 365 days)"
  }
}

run "only_log_delivery_of_this_account_may_write" {
  command = plan

  # The statements AWS documents for vended logs to S3 (delivery.logs.amazonaws.com: PutObject with
  # bucket-owner-full-control, GetBucketAcl/ListBucket), scoped to this account, plus TLS only.
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.flow_logs[0].statement : s.sid == "AWSLogDeliveryWrite" && s.actions == toset(["s3:PutObject"]) && one(s.principals).identifiers == toset(["delivery.logs.amazonaws.com"]) && s.resources == toset(["arn:aws:s3:::prod-demo-app-flow-logs-111111111111/global-accelerator/AWSLogs/111111111111/*"]) && anytrue([for c in s.condition : c.variable == "s3:x-amz-acl" && c.values == tolist(["bucket-owner-full-control"])]) && anytrue([for c in s.condition : c.variable == "aws:SourceAccount" && c.values == tolist(["111111111111"])])
    ])
    error_message = "log delivery may put objects under <prefix>AWSLogs/<account>/ only, with bucket-owner-full-control, from this account"
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.flow_logs[0].statement : s.sid == "AWSLogDeliveryAclCheck" && s.actions == toset(["s3:GetBucketAcl", "s3:ListBucket"]) && s.resources == toset(["arn:aws:s3:::prod-demo-app-flow-logs-111111111111"]) && anytrue([for c in s.condition : c.variable == "aws:SourceAccount"])
    ])
    error_message = "log delivery must be able to check the bucket ACL, from this account only"
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.flow_logs[0].statement : s.effect == "Deny" && s.actions == toset(["s3:*"]) && anytrue([for c in s.condition : c.variable == "aws:SecureTransport" && c.values == tolist(["false"])])
    ])
    error_message = "the bucket must refuse requests without TLS"
  }

  assert {
    condition     = aws_s3_bucket_policy.flow_logs[0].bucket == aws_s3_bucket.flow_logs[0].bucket
    error_message = "the policy must be attached to the flow-log bucket"
  }
}

run "an_existing_bucket_is_used_as_it_is" {
  command = plan

  variables {
    flow_logs = {
      s3_bucket = "central-logs"
      s3_prefix = "ga/"
    }
  }

  assert {
    condition     = one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_enabled && one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_bucket == "central-logs" && one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_s3_prefix == "ga/"
    error_message = "an existing bucket and prefix must be passed through"
  }

  assert {
    condition     = length(aws_s3_bucket.flow_logs) == 0 && length(aws_s3_bucket_policy.flow_logs) == 0
    error_message = "no bucket may be created when one is given"
  }
}

run "off_without_a_reason_is_refused" {
  command = plan

  variables {
    flow_logs = null
  }

  expect_failures = [var.flow_logs]
}

run "off_with_a_reason" {
  command = plan

  variables {
    flow_logs            = null
    flow_logs_off_reason = "test account: no traffic worth logging"
  }

  assert {
    condition     = !one(aws_globalaccelerator_accelerator.this.attributes).flow_logs_enabled && length(aws_s3_bucket.flow_logs) == 0
    error_message = "flow logs off: no bucket, attribute false"
  }
}
