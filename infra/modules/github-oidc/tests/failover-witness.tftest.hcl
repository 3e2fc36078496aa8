# Issue #14: infra-apply can manage the primary's Route 53 health checks, and the workload boundary
# lets the failover controller read their status (its role policy names the checks).
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  github_repository = "example-org/demo-app"
  state_bucket_arns = ["arn:aws:s3:::tfstate-111111111111-eu-central-1"]
  publishers = {
    demo-app = {
      subject              = "environment:production:ref:refs/heads/main"
      push_repository_arn  = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"
      read_repository_arns = ["arn:aws:ecr:eu-west-2:111111111111:repository/demo-app"]
    }
  }
}

run "route53_health_checks_for_the_failover_witness" {
  command = plan

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "Route53HealthChecks"]), "route53:CreateHealthCheck")
    error_message = "infra-apply must be able to create the primary's health checks"
  }

  assert {
    condition     = !anytrue([for s in data.aws_iam_policy_document.apply.statement : contains(coalesce(s.actions, []), "route53:ChangeResourceRecordSets")])
    error_message = "health checks only: no DNS record changes"
  }

  assert {
    condition     = toset([for a in one(data.aws_iam_policy_document.workload_boundary.statement).actions : a if startswith(a, "route53:")]) == toset(["route53:GetHealthCheckStatus"])
    error_message = "the workload boundary must let the failover controller read health check status, and nothing else of Route 53"
  }
}
