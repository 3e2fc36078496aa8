# Data sources the module reads, shared by the plan-only test files (mock_provider "aws" { source })
# and by failover-iam's tests (the same data sources).
# The policy documents render as "{}": those tests assert on the documents' inputs, not on JSON.
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{}"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition = "aws"
  }
}

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "111111111111"
  }
}
