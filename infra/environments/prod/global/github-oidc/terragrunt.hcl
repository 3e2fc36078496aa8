include "root" {
  path = find_in_parent_folders("root.hcl")
}

# Applied by hand only, with admin credentials (infra/docs/first-deployment.md, step 3):
# infra-apply is explicitly denied every change to the CI roles, their policies, the workload
# boundary and the GitHub OIDC provider, so a CI apply or destroy of this unit could only fail
# half-way. `terragrunt run --all apply|destroy` leaves the unit out, and so does `infra-ci apply`
# (it marks the unit "apply by hand" in the PR plan and skips it with a warning at merge; should a
# tool ignore this block, infra-apply's Deny makes its apply fail, never succeed). plan stays in,
# so a pull request still shows the diff that a
# human then applies from this folder with `terragrunt apply`: without no_run (Terragrunt >= 0.84,
# root.hcl pins 0.83.2) an exclude block leaves a direct run of the unit alone.
# exclude_dependencies = false: the unit has no dependencies, and nothing else may be skipped
# because of it.
exclude {
  if                   = true
  actions              = ["apply", "destroy"]
  exclude_dependencies = false
}

locals {
  environment_vars = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region_vars      = read_terragrunt_config(find_in_parent_folders("region.hcl"))
  env              = local.environment_vars.locals
  ecr_arn          = "arn:aws:ecr:%s:${local.env.aws_account_id}:repository/%s"

  # Everything below is derived from environment.hcl's workload_regions (and this folder's
  # region.hcl, the global units' region): adding a region changes no ARN here by hand. The unit
  # is still applied by hand afterwards (infra/docs/adding-a-region.md).
  # One state bucket per workload region, plus the global units' bucket (us-west-2).
  state_regions = distinct(concat(local.env.workload_regions, [local.region_vars.locals.aws_region]))
  # The ecr units create the app repository in every workload region (_common/ecr.hcl); every
  # region but the primary holds a replica. The failover controller's repository is in the standby.
  replica_regions = [for r in local.env.workload_regions : r if r != local.env.primary_region]
}

terraform {
  # Local module path convention: see _common/kubernetes.hcl.
  source = "${dirname(find_in_parent_folders("root.hcl"))}/../modules/github-oidc"
}

# No dependencies: this unit is applied first (by a human with admin credentials), since it creates
# the roles every later apply runs as. ECR repository ARNs are computed, not read from the ecr
# units, to keep it first in the graph.
inputs = {
  github_repository = local.env.repository

  # The repository's OIDC subject template is ["repo", "context", "ref"] (set once,
  # infra/docs/first-deployment.md, step 3), so IAM itself requires main: infra-merge's job in the `infrastructure`
  # environment on main; app-merge in `production` and failover-image in `failover-production`, each
  # on main (one environment per image, so each image's job can assume only its own publish role).
  # infra-plan keeps the module default, pull_request:ref:refs/pull/*/merge (infra-pr.yml).
  apply_subjects = ["environment:infrastructure:ref:refs/heads/main"]
  # The scheduled drift job (infra-drift.yml, environment infra-drift on main) may assume the
  # read-only infra-plan role too: `infra-ci drift` plans with -lock=false and never applies.
  drift_subjects = ["environment:infra-drift:ref:refs/heads/main"]

  # Same names that _common/eks.hcl and eu-west-2/failover-iam build ARNs from.
  role_name_prefix              = local.env.ci_role_name_prefix
  workload_boundary_policy_name = local.env.workload_permissions_boundary
  managed_name_prefix           = "${local.env.environment}-"

  # Every role infra-apply creates must carry the workload boundary (iam:PermissionsBoundary
  # condition on CreateRole, PutRolePolicy, AttachRolePolicy, ...). All role-creating units set it:
  # eks (cluster and node roles), kubernetes (the two Pod Identity roles) and failover-iam; see the
  # table in infra/docs/iam.md, "IAM: who may do what". No additional_policy_name_prefixes: every
  # policy the tree creates is named under managed_name_prefix (the kubernetes module names its
  # Pod Identity policies "<cluster_name>-...", no longer eks-pod-identity's "AmazonEKS_...").
  enforce_workload_permissions_boundary = true

  state_bucket_arns = [for r in local.state_regions : "arn:aws:s3:::tfstate-${local.env.aws_account_id}-${r}"]

  # One publish role per image, each pushing only its own repository (github-publish-demo-app,
  # github-publish-failover-controller). infra-apply may manage (ecr:*) exactly the union of these
  # repositories, i.e. every repository the ecr units create. CI pushes the app to the primary only
  # (ECR replication copies it to the other regions; the replicas are read-only here, to verify that
  # the replicated digest arrived), and the failover controller straight to the standby.
  publishers = {
    demo-app = {
      subject              = "environment:production:ref:refs/heads/main"
      push_repository_arn  = format(local.ecr_arn, local.env.primary_region, local.env.ecr_repository_name)
      read_repository_arns = [for r in local.replica_regions : format(local.ecr_arn, r, local.env.ecr_repository_name)]
    }
    failover-controller = {
      subject             = "environment:failover-production:ref:refs/heads/main"
      push_repository_arn = format(local.ecr_arn, local.env.standby_region, local.env.failover_ecr_repository_name)
    }
  }

  # github-release-read (RELEASE_READ_ROLE_ARN): the release train reads the Global Accelerator
  # dials to tell whether the platform is failed over (tools/release/docs/release-train.md,
  # "Failover"). Trusted by exactly the two jobs that read them: app-merge's publish job (`stage`,
  # environment production) and release-train's signal job (environment release-train, never a
  # publisher's: that job cannot assume a publish role). Endpoint groups: every endpoint group of
  # the account's accelerators, because this unit is applied before global-accelerator creates
  # them and their ids are random; the account holds only this tree's accelerator. Once it exists,
  # the exact ARNs (global-accelerator output endpoint_group_arns) may replace the pattern.
  release_reader = {
    subjects = [
      "environment:production:ref:refs/heads/main",
      "environment:release-train:ref:refs/heads/main",
    ]
    endpoint_group_arns = ["arn:aws:globalaccelerator::${local.env.aws_account_id}:accelerator/*/listener/*/endpoint-group/*"]
  }
}
