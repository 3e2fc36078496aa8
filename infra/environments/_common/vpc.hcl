# Shared configuration of every region's `vpc` unit. Included with
#   include "common" { path = "${dirname(find_in_parent_folders("root.hcl"))}/_common/vpc.hcl" }
# and parsed in the unit's context: find_in_parent_folders() finds the unit's own region.hcl.

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region_vars      = read_terragrunt_config(find_in_parent_folders("region.hcl"))

  name     = "${local.environment_vars.locals.environment}-${local.region_vars.locals.aws_region}"
  vpc_cidr = local.region_vars.locals.vpc_cidr
  azs      = local.region_vars.locals.azs
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

  # Subnet discovery by the AWS Load Balancer Controller.
  public_subnet_tags = {
    "kubernetes.io/role/elb" = "1"
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = "1"
  }
}
