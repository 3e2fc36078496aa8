# Shared configuration of every region's `vpc` unit. Included with
#   include "common" { path = "${dirname(find_in_parent_folders("root.hcl"))}/_common/vpc.hcl" }
# and parsed in the unit's context: find_in_parent_folders() finds the unit's own region.hcl.

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region_vars      = read_terragrunt_config(find_in_parent_folders("region.hcl"))

  name = "${local.environment_vars.locals.environment}-${local.region_vars.locals.aws_region}"
  # infra-apply may create roles only with this boundary (environment.hcl).
  workload_boundary_arn = local.environment_vars.locals.workload_boundary_arn
  vpc_cidr              = local.region_vars.locals.vpc_cidr
  azs                   = local.region_vars.locals.azs
}

terraform {
  # terraform-aws-modules/vpc v5 (inputs below are the v5 names); exact version.
  source = "tfr:///terraform-aws-modules/vpc/aws?version=5.21.0"
}

inputs = {
  name = local.name
  cidr = local.vpc_cidr
  azs  = local.azs

  # /20 private subnets for nodes and pods (VPC CNI gives pods VPC addresses), /24 public subnets for
  # the NLBs and NAT gateways.
  private_subnets = [for i, az in local.azs : cidrsubnet(local.vpc_cidr, 4, i)]
  public_subnets  = [for i, az in local.azs : cidrsubnet(local.vpc_cidr, 8, 48 + i)]

  # One NAT gateway per AZ: an AZ failure must not cut the other AZs' egress (image pulls, AWS APIs).
  enable_nat_gateway     = true
  single_nat_gateway     = false
  one_nat_gateway_per_az = true

  enable_dns_hostnames = true
  enable_dns_support   = true

  # VPC flow logs (issue #20): every accepted and rejected flow, to a CloudWatch log group of this
  # VPC, /aws/vpc-flow-log/<environment>-<region>, through a role the module creates
  # (terraform-aws-vpc@v5.21.0:vpc-flow-logs.tf). Role and policy are named under "<environment>-"
  # and carry the workload boundary: the only IAM infra-apply may create
  # (modules/github-oidc/apply-policy.tf, which also allows the log group and PassRole to
  # vpc-flow-logs.amazonaws.com). The module's defaults ("vpc-flow-log-role", no boundary) would be
  # refused.
  enable_flow_log                                 = true
  flow_log_traffic_type                           = "ALL"
  create_flow_log_cloudwatch_log_group            = true
  create_flow_log_cloudwatch_iam_role             = true
  flow_log_cloudwatch_log_group_name_prefix       = "/aws/vpc-flow-log/"
  flow_log_cloudwatch_log_group_name_suffix       = local.name
  flow_log_cloudwatch_log_group_retention_in_days = 365
  vpc_flow_log_iam_role_name                      = "${local.name}-vpc-flow-log"
  vpc_flow_log_iam_role_use_name_prefix           = false
  vpc_flow_log_iam_policy_name                    = "${local.name}-vpc-flow-log"
  vpc_flow_log_iam_policy_use_name_prefix         = false
  vpc_flow_log_permissions_boundary               = local.workload_boundary_arn

  # Subnet discovery by the AWS Load Balancer Controller.
  public_subnet_tags = {
    "kubernetes.io/role/elb" = "1"
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = "1"
  }
}
