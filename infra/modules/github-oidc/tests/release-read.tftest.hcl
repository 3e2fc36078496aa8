# release-read (release-read.tf): the release train's role that may only describe the accelerator's
# endpoint groups. Real provider (the policy JSON is rendered locally, no AWS call), as in
# rendered.tftest.hcl.
provider "aws" {
  region                      = "us-west-2"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_data {
  target = data.aws_partition.current
  values = {
    partition = "aws"
  }
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111111111111"
  }
}

variables {
  create_oidc_provider = false
  github_repository    = "example-org/demo-app"
  state_bucket_arns    = ["arn:aws:s3:::tfstate-111111111111-eu-central-1"]
  publishers = {
    demo-app = {
      subject             = "environment:production:ref:refs/heads/main"
      push_repository_arn = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"
    }
  }
  release_reader = {
    subjects = [
      "environment:production:ref:refs/heads/main",
      "environment:release-train:ref:refs/heads/main",
    ]
    endpoint_group_arns = [
      "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu",
      "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/ab88888example",
    ]
  }
}

run "no_role_without_release_reader" {
  command = plan

  variables {
    release_reader = null
  }

  assert {
    condition     = length(aws_iam_role.release_read) == 0 && length(aws_iam_role_policy.release_read) == 0 && output.release_read_role_arn == null
    error_message = "release-read must not exist unless release_reader is set"
  }

  assert {
    condition     = !contains(keys(data.aws_iam_policy_document.trust), "release-read")
    error_message = "no release-read trust without release_reader"
  }
}

run "trusts_exactly_the_release_train_subjects" {
  command = plan

  assert {
    condition     = aws_iam_role.release_read[0].name == "github-release-read"
    error_message = "the role is <role_name_prefix>release-read (covered by infra-apply's Deny on the CI identity)"
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.trust["release-read"].json).Statement[0].Condition == {
      StringEquals = {
        "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
        "token.actions.githubusercontent.com:sub" = [
          "repo:example-org/demo-app:environment:production:ref:refs/heads/main",
          "repo:example-org/demo-app:environment:release-train:ref:refs/heads/main",
        ]
      }
    }
    error_message = "release-read must trust exactly the given subjects (StringEquals) with the sts audience"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.trust["release-read"].json).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
    error_message = "release-read is assumed with the GitHub OIDC token only"
  }
}

run "describes_only_the_given_endpoint_groups" {
  command = plan

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement) == 1
    error_message = "release-read has one statement"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Action == "globalaccelerator:DescribeEndpointGroup"
    error_message = "release-read may call DescribeEndpointGroup only"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Effect == "Allow" && toset(jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Resource) == toset(var.release_reader.endpoint_group_arns)
    error_message = "release-read must be scoped to exactly the given endpoint groups"
  }
}

run "the_other_roles_do_not_change" {
  command = plan

  assert {
    condition     = toset(keys(data.aws_iam_policy_document.trust)) == toset(["plan", "apply", "publish-demo-app", "release-read"])
    error_message = "release_reader adds one trust and no other"
  }
}

run "rejects_a_wildcard_subject" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["environment:*:ref:refs/heads/main"]
      endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"]
    }
  }

  expect_failures = [var.release_reader]
}

run "rejects_a_pull_request_subject" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["pull_request:ref:refs/pull/1/merge"]
      endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"]
    }
  }

  expect_failures = [var.release_reader]
}

run "rejects_no_subject" {
  command = plan

  variables {
    release_reader = {
      subjects            = []
      endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"]
    }
  }

  expect_failures = [var.release_reader]
}

run "rejects_the_infra_apply_subject" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["environment:infrastructure:ref:refs/heads/main"]
      endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"]
    }
  }

  expect_failures = [var.release_reader]
}

run "rejects_an_unscoped_resource" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["environment:release-train:ref:refs/heads/main"]
      endpoint_group_arns = ["*"]
    }
  }

  expect_failures = [var.release_reader]
}

run "rejects_an_accelerator_arn" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["environment:release-train:ref:refs/heads/main"]
      endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh"]
    }
  }

  expect_failures = [var.release_reader]
}

run "rejects_a_partial_wildcard" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["environment:release-train:ref:refs/heads/main"]
      endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/1234*/listener/*/endpoint-group/*"]
    }
  }

  expect_failures = [var.release_reader]
}

run "rejects_no_endpoint_group" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["environment:release-train:ref:refs/heads/main"]
      endpoint_group_arns = []
    }
  }

  expect_failures = [var.release_reader]
}

# The live tree (global/github-oidc) is applied before the accelerator exists: its endpoint groups
# as an account-wide endpoint-group pattern is valid.
run "accepts_the_account_wide_endpoint_group_pattern" {
  command = plan

  variables {
    release_reader = {
      subjects            = ["environment:release-train:ref:refs/heads/main"]
      endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"]
    }
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.release_read[0].json).Statement[0].Resource == "arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"
    error_message = "the pattern is the only resource"
  }
}
