# Shared configuration of every region's `eks` unit: the module, the dependency on the same region's
# vpc unit, and inputs (node group sizing comes from region.hcl).

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region_vars      = read_terragrunt_config(find_in_parent_folders("region.hcl"))

  cluster_name = "${local.environment_vars.locals.environment}-${local.region_vars.locals.aws_region}"

  # Created by global/github-oidc (applied first); role_name_prefix "github-".
  infra_plan_role_arn = "arn:aws:iam::${local.environment_vars.locals.aws_account_id}:role/github-infra-plan"
  node_group          = local.region_vars.locals.node_group
}

terraform {
  # terraform-aws-modules/eks v20 (inputs below are the v20 names: cluster_name, cluster_version,
  # cluster_addons, ...; v21 renamed them); exact version.
  source = "tfr:///terraform-aws-modules/eks/aws?version=20.35.0"
}


# Dependencies shared by every region. A relative config_path in an included file resolves from
# the including unit's folder (Terragrunt semantics), so "../vpc" is the same region's vpc unit.
dependency "vpc" {
  config_path = "../vpc"

  mock_outputs = {
    vpc_id          = "vpc-00000000000000000"
    private_subnets = ["subnet-00000000000000001", "subnet-00000000000000002", "subnet-00000000000000003"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

inputs = {
  vpc_id                   = dependency.vpc.outputs.vpc_id
  subnet_ids               = dependency.vpc.outputs.private_subnets
  control_plane_subnet_ids = dependency.vpc.outputs.private_subnets

  cluster_name    = local.cluster_name
  cluster_version = "1.32"

  # GitHub-hosted runners reach the API endpoint over the internet (IAM-authenticated, access entries
  # only); the nodes use the private endpoint.
  cluster_endpoint_public_access  = true
  cluster_endpoint_private_access = true

  authentication_mode = "API"
  # The identity that applies (the infra-apply role) becomes cluster admin through an access entry;
  # the kubernetes unit uses it to install the controllers.
  enable_cluster_creator_admin_permissions = true

  # The PR plan of the kubernetes unit reads Helm releases (stored as Secrets) and manifests, so the
  # plan role gets cluster-wide read access including Secrets (AmazonEKSAdminViewPolicy) and no
  # write. Trade-off: code in a PR can read in-cluster Secrets through the plan; keep credentials out
  # of Kubernetes Secrets (Pod Identity everywhere) so there is little to read.
  access_entries = {
    infra_plan = {
      principal_arn = local.infra_plan_role_arn
      policy_associations = {
        admin_view = {
          policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"
          access_scope = {
            type = "cluster"
          }
        }
      }
    }
  }

  cluster_addons = {
    coredns    = {}
    kube-proxy = {}
    vpc-cni = {
      before_compute = true
    }
    # Required by every aws_eks_pod_identity_association (LB controller, failover controller).
    eks-pod-identity-agent = {
      before_compute = true
    }
  }

  eks_managed_node_groups = {
    default = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = local.node_group.instance_types
      min_size       = local.node_group.min_size
      max_size       = local.node_group.max_size
      # The module ignores later desired_size changes (autoscaling owns it after creation).
      desired_size = local.node_group.desired_size
    }
  }
}
