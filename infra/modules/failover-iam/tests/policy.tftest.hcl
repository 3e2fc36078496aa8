# The policy-document, partition and account mocks are github-oidc's (the same data sources, the
# same account); this module also reads the region.
mock_provider "aws" {
  source = "../github-oidc/tests/mocks"

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-2"
    }
  }
}

variables {
  cluster_name               = "prod-eu-west-2"
  primary_endpoint_group_arn = "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-0000-1111-2222-333344445555/listener/0123abcd/endpoint-group/aaaa000011112222"
  standby_endpoint_group_arn = "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-0000-1111-2222-333344445555/listener/0123abcd/endpoint-group/bbbb000011112222"
}

# Issue #14: the two endpoint groups by ARN, never a wildcard over the accelerator.
run "scoped_to_the_two_endpoint_groups" {
  command = plan

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.dials.statement : s if s.sid == "ReadAndSetDials"]).resources) == toset([var.primary_endpoint_group_arn, var.standby_endpoint_group_arn])
    error_message = "DescribeEndpointGroup/UpdateEndpointGroup must name exactly the two endpoint-group ARNs"
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.dials.statement : alltrue([for r in s.resources : !strcontains(r, "*")])])
    error_message = "no statement may use a wildcard resource (accelerator/* included)"
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.dials.statement : s if s.sid == "ReadPrimaryHealthChecks"]) == 0
    error_message = "without health check ids there is no Route 53 permission"
  }
}

run "reads_only_the_primary_health_checks" {
  command = plan

  variables {
    route53_health_check_ids = ["0a1b2c3d-0000-1111-2222-333344445555"]
  }

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.dials.statement : s if s.sid == "ReadPrimaryHealthChecks"]).resources) == toset(["arn:aws:route53:::healthcheck/0a1b2c3d-0000-1111-2222-333344445555"])
    error_message = "GetHealthCheckStatus must be limited to the given health checks"
  }

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.dials.statement : s if s.sid == "ReadPrimaryHealthChecks"]).actions) == toset(["route53:GetHealthCheckStatus"])
    error_message = "Route 53: read the health check status only"
  }
}

run "pod_identity_for_the_controller_service_account" {
  command = plan

  assert {
    condition     = aws_eks_pod_identity_association.this.namespace == "failover-system" && aws_eks_pod_identity_association.this.service_account == "failover-controller"
    error_message = "the association must bind failover-system/failover-controller"
  }

  assert {
    condition     = toset(one(data.aws_iam_policy_document.trust.statement[0].principals).identifiers) == toset(["pods.eks.amazonaws.com"])
    error_message = "only EKS Pod Identity may assume the role"
  }
}

run "rejects_an_accelerator_arn_where_an_endpoint_group_is_expected" {
  command = plan

  variables {
    primary_endpoint_group_arn = "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-0000-1111-2222-333344445555"
  }

  expect_failures = [var.primary_endpoint_group_arn]
}

# Without these conditions any Pod Identity association in the account could assume the role.
run "trust_pins_account_cluster_namespace_and_service_account" {
  command = plan

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust.statement[0].condition : c.values if c.variable == "aws:SourceAccount"])) == toset(["111111111111"])
    error_message = "the trust must pin aws:SourceAccount to this account"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust.statement[0].condition : c.values if c.variable == "aws:RequestTag/eks-cluster-arn"])) == toset(["arn:aws:eks:eu-west-2:111111111111:cluster/prod-eu-west-2"])
    error_message = "the trust must pin the standby cluster's ARN (eks-cluster-arn session tag)"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust.statement[0].condition : c.values if c.variable == "aws:RequestTag/kubernetes-namespace"])) == toset(["failover-system"])
    error_message = "the trust must pin the namespace"
  }

  assert {
    condition     = toset(one([for c in data.aws_iam_policy_document.trust.statement[0].condition : c.values if c.variable == "aws:RequestTag/kubernetes-service-account"])) == toset(["failover-controller"])
    error_message = "the trust must pin the service account"
  }

  assert {
    condition     = alltrue([for c in data.aws_iam_policy_document.trust.statement[0].condition : c.test == "StringEquals"])
    error_message = "trust conditions must be exact (StringEquals)"
  }
}

run "trust_follows_a_custom_service_account" {
  command = plan

  variables {
    namespace       = "ops"
    service_account = "dial-keeper"
  }

  assert {
    condition     = aws_eks_pod_identity_association.this.namespace == "ops" && toset(one([for c in data.aws_iam_policy_document.trust.statement[0].condition : c.values if c.variable == "aws:RequestTag/kubernetes-service-account"])) == toset(["dial-keeper"])
    error_message = "the association and the trust must name the same service account"
  }
}

run "permissions_boundary_is_set_when_given" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::111111111111:policy/github-workload-boundary"
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::111111111111:policy/github-workload-boundary"
    error_message = "the role must carry the given permissions boundary"
  }
}

run "rejects_an_invalid_namespace" {
  command = plan

  variables {
    namespace = "Failover_System"
  }

  expect_failures = [var.namespace]
}

run "rejects_an_invalid_service_account" {
  command = plan

  variables {
    service_account = "-controller"
  }

  expect_failures = [var.service_account]
}

run "rejects_a_boundary_that_is_not_a_policy_arn" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::111111111111:role/github-infra-apply"
  }

  expect_failures = [var.permissions_boundary_arn]
}
