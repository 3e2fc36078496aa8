mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
}

variables {
  cluster_name    = "prod-eu-west-2"
  accelerator_arn = "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-0000-1111-2222-333344445555"
}

run "scoped_to_one_accelerator" {
  command = plan

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.dials.statement : s if s.sid == "SetDials"]).resources) == toset(["arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-0000-1111-2222-333344445555/*"])
    error_message = "UpdateEndpointGroup must be limited to this accelerator's endpoint groups"
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.dials.statement : alltrue([for r in s.resources : startswith(r, var.accelerator_arn)])])
    error_message = "no statement may reach beyond the accelerator's ARN"
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

run "rejects_a_non_accelerator_arn" {
  command = plan

  variables {
    accelerator_arn = "arn:aws:iam::111111111111:role/whatever"
  }

  expect_failures = [var.accelerator_arn]
}
