# Shared configuration of every region's `eks` unit: the module, the dependency on the same region's
# vpc unit, and inputs (node group sizing comes from region.hcl).

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region_vars      = read_terragrunt_config(find_in_parent_folders("region.hcl"))

  cluster_name = "${local.environment_vars.locals.environment}-${local.region_vars.locals.aws_region}"

  # Created by global/github-oidc (applied first, by hand), named from the same environment.hcl
  # values; computed rather than read through a dependency so no regional unit depends on the
  # global IAM unit's state.
  iam_arn              = "arn:aws:iam::${local.environment_vars.locals.aws_account_id}"
  ci_role_name_prefix  = local.environment_vars.locals.ci_role_name_prefix
  infra_plan_role_arn  = "${local.iam_arn}:role/${local.ci_role_name_prefix}infra-plan"
  infra_apply_role_arn = "${local.iam_arn}:role/${local.ci_role_name_prefix}infra-apply"
  # infra-apply may create roles only with this boundary (enforced in global/github-oidc).
  workload_boundary_arn = local.environment_vars.locals.workload_boundary_arn
  node_group            = local.region_vars.locals.node_group
}

terraform {
  # terraform-aws-modules/eks v20 (inputs below are the v20 names: cluster_name, cluster_version,
  # cluster_addons, ...; v21 renamed them); exact version.
  source = "tfr:///terraform-aws-modules/eks/aws?version=20.35.0"
}

# The eks module tree's other providers, bounded to the major the module was written for (its own
# constraints are open: terraform-aws-eks@v20.35.0:versions.tf tls >= 3.0, time >= 0.9;
# modules/_user_data/versions.tf cloudinit >= 2.0, null >= 3.0). aws comes from root.hcl.
# Override semantics and why: root.hcl, generate "provider_versions"; infra/docs/versions.md.
generate "eks_provider_versions" {
  path      = "eks_provider_versions_override.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    terraform {
      required_providers {
        tls = {
          source  = "hashicorp/tls"
          version = "~> 4.0"
        }
        time = {
          source  = "hashicorp/time"
          version = "~> 0.9"
        }
        cloudinit = {
          source  = "hashicorp/cloudinit"
          version = "~> 2.0"
        }
        null = {
          source  = "hashicorp/null"
          version = "~> 3.0"
        }
      }
    }
  EOT
}

# Issue #20: a public API endpoint open to the internet is refused, not just discouraged. An output
# precondition in the unit's root module fails `plan` (and so every apply) when the public
# endpoint is on and its CIDRs are empty, contain a /0, or are an RFC 5737 documentation range (the
# EXAMPLE value of environment.hcl). It reads the module's own variables, so an input set anywhere
# (environment.hcl, a unit's override) is checked. tools/infra-ci/test/infra-security-defaults.test.ts
# runs this file with the real terraform.
generate "eks_public_endpoint_guard" {
  path      = "eks_public_endpoint_guard.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    output "public_endpoint_allowed_cidrs" {
      description = "CIDRs allowed to reach the public API endpoint (empty when it is off)."
      value       = var.cluster_endpoint_public_access ? var.cluster_endpoint_public_access_cidrs : []

      precondition {
        condition = !var.cluster_endpoint_public_access || (length(var.cluster_endpoint_public_access_cidrs) > 0 && alltrue([
          for c in var.cluster_endpoint_public_access_cidrs : can(cidrhost(c, 0)) && try(tonumber(split("/", c)[1]) > 0, false) && !contains(["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"], try(cidrsubnet(c, 0, 0), c))
        ]))
        error_message = "The EKS public endpoint must not be open: set eks_public_access_cidrs in infra/environments/prod/environment.hcl to the fixed egress CIDRs of the runners that plan and apply the kubernetes units (not empty, no /0, not the EXAMPLE documentation range); see infra/docs/first-deployment.md, step 0."
      }
    }
  EOT
}


# Dependencies shared by every region. A relative config_path in an included file resolves from
# the including unit's folder (Terragrunt semantics), so "../vpc" is the same region's vpc unit.
dependency "vpc" {
  config_path = "../vpc"

  mock_outputs = {
    vpc_id          = "vpc-00000000000000000"
    private_subnets = ["subnet-00000000000000001", "subnet-00000000000000002", "subnet-00000000000000003"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

inputs = {
  vpc_id                   = dependency.vpc.outputs.vpc_id
  subnet_ids               = dependency.vpc.outputs.private_subnets
  control_plane_subnet_ids = dependency.vpc.outputs.private_subnets

  cluster_name    = local.cluster_name
  cluster_version = "1.32"

  # CI reaches the API endpoint from the allowed CIDRs (IAM-authenticated, access entries only); the
  # nodes use the private endpoint. The CIDRs are required, with no fallback here (the module's
  # default is ["0.0.0.0/0"], terraform-aws-eks@v20.35.0:variables.tf), and the guard generated
  # below refuses open ones at plan: environment.hcl, eks_public_access_cidrs.
  cluster_endpoint_public_access       = true
  cluster_endpoint_private_access      = true
  cluster_endpoint_public_access_cidrs = local.environment_vars.locals.eks_public_access_cidrs

  authentication_mode = "API"
  # Not "whoever runs terraform": infra-ci applies the PR's saved plan, made by infra-plan, so a
  # caller-derived entry would make infra-plan cluster admin, drop infra-apply's, and show a
  # replacement in every plan. Cluster access is stated explicitly below instead.
  enable_cluster_creator_admin_permissions = false

  # The EKS secrets-encryption key: administered by infra-apply (the module's default is the caller,
  # the same problem as above). Key users stay the module default: the cluster role, which the
  # module adds itself.
  kms_key_administrators = [local.infra_apply_role_arn]

  # Cluster and node roles are created by infra-apply: under "<environment>-" and with the workload
  # boundary (global/github-oidc). The node role's default name ("default-eks-node-group-") would be
  # outside the prefix infra-apply may write.
  iam_role_permissions_boundary = local.workload_boundary_arn

  # Exactly two principals have cluster access (no caller-derived entry, see above).
  access_entries = {
    # infra-apply installs the controllers (kubernetes unit) and owns the cluster: cluster admin.
    infra_apply = {
      principal_arn = local.infra_apply_role_arn
      policy_associations = {
        cluster_admin = {
          policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = {
            type = "cluster"
          }
        }
      }
    }

    # The PR plan runs code from the pull request with this role, so it views the cluster WITHOUT
    # Secrets: AmazonEKSViewPolicy (the Kubernetes `view` role: no Secrets, no write), not
    # AmazonEKSAdminViewPolicy, which can read every Secret
    # (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html). Helm keeps
    # each release in a Secret, so the kubernetes unit's PR plan does not re-read releases: infra-pr
    # sets INFRA_PLAN_NO_REFRESH and _common/kubernetes.hcl then plans with -refresh=false (config
    # against the state in S3; drift is seen by the apply role's refresh).
    infra_plan = {
      principal_arn = local.infra_plan_role_arn
      policy_associations = {
        view = {
          policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
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

      # Under "<environment>-" and bounded, like the cluster role (iam_role_permissions_boundary
      # above); the module's default name "default-eks-node-group-" is outside infra-apply's prefix.
      iam_role_name                 = "${local.cluster_name}-node"
      iam_role_permissions_boundary = local.workload_boundary_arn
    }
  }
}
