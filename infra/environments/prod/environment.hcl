# Environment-wide values, read by root.hcl and _common/*.hcl via
# read_terragrunt_config(find_in_parent_folders("environment.hcl")).
locals {
  environment = "prod"

  # EXAMPLE VALUE: replace with the production AWS account id before the first apply. The generated
  # provider refuses any other account (allowed_account_ids), so a wrong id fails safe.
  aws_account_id = "111111111111"

  # GitHub "owner/name" of this repository: OIDC trust subjects, the Flux GitRepository URL and the
  # `repository` default tag.
  repository = "example-org/demo-app"

  # Name of the application's ECR repository in every region.
  ecr_repository_name = "demo-app"

  # The failover controller's image repository: standby region only (the controller runs only there,
  # and shipping a fix to it must not depend on the primary region).
  failover_ecr_repository_name = "failover-controller"

  # Both workload regions; the failover pair is primary -> standby.
  primary_region = "eu-central-1"
  standby_region = "eu-west-2"

  # Every workload region (one prod/<region>/ folder each), the failover pair included. The single
  # list global/github-oidc derives infra-apply's state buckets and managed ECR repositories from,
  # so a new region needs no hand-written ARN: append it here (infra/docs/adding-a-region.md).
  workload_regions = [local.primary_region, local.standby_region]

  # IAM names. The three CI roles (global/github-oidc) are "<ci_role_name_prefix>infra-plan" etc.;
  # eks.hcl builds their ARNs for the EKS access entries from the same value, so the two never
  # drift. Every other IAM role or policy this tree creates starts with "<environment>-" (cluster
  # names, "prod-failover-controller"): the apply role may write IAM only under that prefix, and
  # only with the workload boundary below attached (see modules/github-oidc/README.md).
  ci_role_name_prefix           = "github-"
  workload_permissions_boundary = "github-workload-boundary"
  # Its ARN, for every unit that creates roles (eks, kubernetes, vpc, failover-iam): computed, not
  # read from global/github-oidc's state, since that unit is applied by hand first.
  workload_boundary_arn = "arn:aws:iam::${local.aws_account_id}:policy/${local.workload_permissions_boundary}"

  # REQUIRED, no default (issue #20): the CIDRs allowed to reach the EKS public API endpoint (the
  # private endpoint is on too, for the nodes). _common/eks.hcl reads this without a fallback, and
  # its generated guard refuses, at plan, an empty list, any /0 (0.0.0.0/0, ::/0) and the RFC 5737
  # documentation ranges. Put the fixed egress addresses of whatever runs the `kubernetes` units'
  # plan and apply (the runners' NAT addresses): GitHub-hosted standard runners have no fixed
  # egress, so use self-hosted runners or larger runners with static IP ranges
  # (infra/docs/first-deployment.md, step 0).
  # EXAMPLE VALUE (RFC 5737 TEST-NET-1, refused by the guard): replace before the first plan.
  eks_public_access_cidrs = ["192.0.2.0/24"]
}
