# Shared configuration of every region's `kubernetes` unit: the in-cluster platform (Flux, AWS Load
# Balancer Controller, Contour + Gateway API, Flagger) from the local module infra/modules/kubernetes.

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region_vars      = read_terragrunt_config(find_in_parent_folders("region.hcl"))

  aws_region = local.region_vars.locals.aws_region

  # infra-apply may create the module's Pod Identity roles only with this boundary.
  workload_boundary_arn = local.environment_vars.locals.workload_boundary_arn
}

terraform {
  # Local module path convention (used by every unit that sources a local module): anchored on
  # root.hcl's folder (infra/environments) rather than on the unit folder's depth, so the same
  # expression works from any unit and from any included file. Relative paths in an included file
  # would resolve from the UNIT's folder, which is easy to get wrong.
  source = "${dirname(find_in_parent_folders("root.hcl"))}/../modules/kubernetes"

  # The plan role views the cluster without Secrets (_common/eks.hcl) and Helm stores releases in
  # Secrets: under the plan role (infra-pr sets INFRA_PLAN_NO_REFRESH=true) the plan compares the
  # config with the state in S3 instead of refreshing the releases. Apply and the merge-time
  # re-plan (apply role, variable unset) refresh as usual.
  extra_arguments "plan_without_secrets" {
    commands  = ["plan"]
    arguments = get_env("INFRA_PLAN_NO_REFRESH", "false") == "true" ? ["-refresh=false"] : []
  }
}

# The module does not configure providers (terraform-aws-modules convention); the live tree does.
# Credentials come from `aws eks get-token` with the caller's (plan/apply role's) identity.
generate "kubernetes_providers" {
  path      = "kubernetes_providers.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    data "aws_eks_cluster" "this" {
      name = var.cluster_name
    }

    provider "kubernetes" {
      host                   = data.aws_eks_cluster.this.endpoint
      cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)
      exec {
        api_version = "client.authentication.k8s.io/v1beta1"
        command     = "aws"
        args        = ["eks", "get-token", "--cluster-name", var.cluster_name, "--region", "${local.aws_region}"]
      }
    }

    provider "helm" {
      kubernetes {
        host                   = data.aws_eks_cluster.this.endpoint
        cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)
        exec {
          api_version = "client.authentication.k8s.io/v1beta1"
          command     = "aws"
          args        = ["eks", "get-token", "--cluster-name", var.cluster_name, "--region", "${local.aws_region}"]
        }
      }
    }
  EOT
}


# Dependencies shared by every region. A relative config_path in an included file resolves from
# the including unit's folder (Terragrunt semantics), so "../vpc" is the same region's vpc unit.
dependency "vpc" {
  config_path = "../vpc"

  mock_outputs = {
    vpc_id = "vpc-00000000000000000"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

dependency "eks" {
  config_path = "../eks"

  # The real cluster name ("<environment>-<region>", as _common/eks.hcl names it), so that a plan on
  # mock outputs shows the real IAM names (the module names its roles "<cluster_name>-...").
  mock_outputs = {
    cluster_name = "${local.environment_vars.locals.environment}-${local.aws_region}"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

inputs = {
  cluster_name = dependency.eks.outputs.cluster_name
  vpc_id       = dependency.vpc.outputs.vpc_id

  aws_region     = local.aws_region
  git_repository = local.environment_vars.locals.repository
  # Flux entry point of this cluster: deploy/clusters/<region>.
  flux_path = "./deploy/clusters/${local.aws_region}"

  # HTTPS: an ACM certificate of this region (region.hcl); null = HTTP on port 80 only. The NLB
  # terminates TLS on 443 and the global-accelerator unit then listens on 443 too.
  tls_certificate_arn = local.region_vars.locals.tls_certificate_arn

  # The module's two Pod Identity roles (LB controller, Cluster Autoscaler) are named
  # "<cluster_name>-..." (cluster_name = "<environment>-<region>": under the prefix infra-apply may
  # write) and carry this boundary, which global/github-oidc requires on every role infra-apply
  # creates (enforce_workload_permissions_boundary).
  permissions_boundary_arn = local.workload_boundary_arn
}
