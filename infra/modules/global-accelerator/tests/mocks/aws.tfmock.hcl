# Data sources the module reads, shared by the test files (mock_provider "aws" { source }). The
# policy document renders as "{}" (a valid policy for the mocked aws_s3_bucket_policy): the tests
# assert on the document's statements, not on its JSON.
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
