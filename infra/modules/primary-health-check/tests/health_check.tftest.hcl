mock_provider "aws" {}

variables {
  name      = "prod-primary"
  endpoints = ["primary-nlb-0123.elb.eu-central-1.amazonaws.com"]
}

run "checks_readiness_from_three_regions" {
  command = plan

  assert {
    condition     = aws_route53_health_check.primary["primary-nlb-0123.elb.eu-central-1.amazonaws.com"].resource_path == "/readyz"
    error_message = "the checkers must request the app's readiness"
  }

  assert {
    condition     = length(aws_route53_health_check.primary["primary-nlb-0123.elb.eu-central-1.amazonaws.com"].regions) >= 3
    error_message = "checkers in at least three regions"
  }

  assert {
    condition     = aws_route53_health_check.primary["primary-nlb-0123.elb.eu-central-1.amazonaws.com"].request_interval == 10
    error_message = "fast checks by default (detection within the controller's window)"
  }
}

run "rejects_fewer_than_three_checker_regions" {
  command = plan

  variables {
    checker_regions = ["us-east-1", "eu-west-1"]
  }

  expect_failures = [var.checker_regions]
}

run "rejects_no_endpoint" {
  command = plan

  variables {
    endpoints = []
  }

  expect_failures = [var.endpoints]
}
