variable "github_repository" {
  type        = string
  description = "GitHub repository allowed to assume the roles, as \"owner/name\"."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be \"owner/name\"."
  }
}

variable "create_oidc_provider" {
  type        = bool
  description = "Create the token.actions.githubusercontent.com OIDC provider (false when the account already has one)."
  default     = true
}

variable "role_name_prefix" {
  type        = string
  description = "Prefix of the CI role and policy names (<prefix>infra-plan, <prefix>infra-apply, <prefix>publish-<image>, <prefix>workload-boundary). infra-apply is denied every IAM write under this prefix."
  default     = "github-"

  # Role names are at most 64 characters and the longest suffix is 17 ("workload-boundary"); the
  # prefix is also an IAM ARN pattern in the Deny statement, so no wildcards.
  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,40}$", var.role_name_prefix))
    error_message = "role_name_prefix must be 1-40 characters of A-Z a-z 0-9 + = , . @ _ - (no wildcards)."
  }
}

variable "plan_subjects" {
  type        = list(string)
  description = "OIDC `sub` claims (after the repository prefix) that may assume infra-plan, with the repository's subject template [\"repo\", \"context\", \"ref\"]. Default: pull_request events of any pull request number (StringLike)."
  default     = ["pull_request:ref:refs/pull/*/merge"]

  # The only wildcard allowed is the pull request number; the pull_request context cannot be
  # produced by a push, tag or environment job.
  validation {
    condition = length(var.plan_subjects) > 0 && alltrue([
      for s in var.plan_subjects : startswith(s, "pull_request:ref:refs/pull/") && (!strcontains(s, "*") || s == "pull_request:ref:refs/pull/*/merge")
    ])
    error_message = "plan_subjects must be pull_request subjects (\"pull_request:ref:refs/pull/<n>/merge\"); the only wildcard allowed is the pull request number: \"pull_request:ref:refs/pull/*/merge\"."
  }
}

variable "drift_subjects" {
  type        = list(string)
  description = "OIDC `sub` claims (after the repository prefix) of the scheduled drift job (`.github/workflows/infra-drift.yml`, `infra-ci drift`) that may also assume the read-only infra-plan role: exact \"environment:<name>:ref:refs/heads/<branch>\" subjects. Default: none."
  default     = []

  # An environment on one branch, exactly: a scheduled job on main, never a pull request.
  validation {
    condition     = alltrue([for s in var.drift_subjects : can(regex("^environment:[^:*?]+:ref:refs/heads/[^:*?]+$", s))])
    error_message = "drift_subjects must be exact \"environment:<name>:ref:refs/heads/<branch>\" subjects (no wildcards)."
  }

  # The drift job's environment must reach no role that writes.
  validation {
    condition     = length(setintersection(toset(var.drift_subjects), toset(concat(var.apply_subjects, [for p in values(var.publishers) : p.subject])))) == 0
    error_message = "drift_subjects must not share a subject with apply_subjects or a publisher's subject."
  }
}

variable "apply_subjects" {
  type        = list(string)
  description = "OIDC `sub` claims (after the repository prefix) that may assume infra-apply: a GitHub environment on one branch, \"environment:<name>:ref:refs/heads/<branch>\" (default: the `infrastructure` environment of infra-merge on main). Needs the repository's subject template [\"repo\", \"context\", \"ref\"]. Never shared with a publisher."
  default     = ["environment:infrastructure:ref:refs/heads/main"]

  # Both parts are required: the environment (its reviewers, and no other workflow's jobs) and the
  # branch (enforced here by IAM, not only by the environment's deployment-branch rule).
  validation {
    condition     = length(var.apply_subjects) > 0 && alltrue([for s in var.apply_subjects : can(regex("^environment:[^:*?]+:ref:refs/heads/[^:*?]+$", s))])
    error_message = "apply_subjects must be exact \"environment:<name>:ref:refs/heads/<branch>\" subjects (no wildcards, never pull_request, never a bare branch)."
  }

  validation {
    condition     = length(setintersection(toset(var.apply_subjects), toset([for p in values(var.publishers) : p.subject]))) == 0
    error_message = "apply_subjects must not share a subject with a publisher: an image workflow's job must not be able to assume infra-apply."
  }
}

variable "subject_prefix" {
  type        = string
  description = "Start of every `sub` claim, before the context. null: \"repo:<github_repository>\". Set it when the repository uses GitHub's immutable subject format (\"repo:<owner>@<owner_id>/<name>@<repo_id>\"); `gh api repos/O/R/actions/oidc/customization/sub` shows which one applies."
  default     = null

  validation {
    condition     = var.subject_prefix == null || can(regex("^repo:[^:*?]+$", coalesce(var.subject_prefix, "x")))
    error_message = "subject_prefix must be \"repo:<owner>/<name>\" or its immutable form, without wildcards or ':' after \"repo:\"."
  }
}

variable "state_bucket_arns" {
  type        = list(string)
  description = "ARNs of the Terraform state buckets (one per region). infra-plan may read state and write only the S3 lock files."

  validation {
    condition     = length(var.state_bucket_arns) > 0 && alltrue([for a in var.state_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", a))])
    error_message = "state_bucket_arns must be a non-empty list of S3 bucket ARNs."
  }
}

variable "managed_name_prefix" {
  type        = string
  description = "Prefix of every IAM role and policy, EKS cluster, cluster log group and KMS alias the tree creates (\"<environment>-\"). infra-apply may write IAM, EKS, logs and KMS aliases only under it."
  default     = "prod-"

  # Must not overlap the CI roles' prefix, or the apply role could edit the CI identity (the Deny
  # would still block it, but the design should not rely on one statement).
  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{2,32}$", var.managed_name_prefix))
    error_message = "managed_name_prefix must be 2-32 characters of A-Z a-z 0-9 + = , . @ _ - (no wildcards)."
  }

  validation {
    condition     = !startswith(var.managed_name_prefix, var.role_name_prefix) && !startswith(var.role_name_prefix, var.managed_name_prefix)
    error_message = "managed_name_prefix and role_name_prefix must not be prefixes of each other: the CI roles must stay outside what infra-apply may change."
  }
}

variable "additional_policy_name_prefixes" {
  type        = list(string)
  description = "Further name prefixes of customer-managed IAM policies infra-apply may create and change, for public modules whose policy names cannot follow managed_name_prefix (terraform-aws-modules/eks-pod-identity names its policies \"AmazonEKS_...\" unless policy_name_prefix is set)."
  default     = []

  validation {
    condition     = alltrue([for p in var.additional_policy_name_prefixes : can(regex("^[A-Za-z0-9+=,.@_-]{2,64}$", p)) && !startswith(var.role_name_prefix, p) && !startswith(p, var.role_name_prefix)])
    error_message = "additional_policy_name_prefixes must be 2-64 characters of A-Z a-z 0-9 + = , . @ _ - each (no wildcards), and must not overlap role_name_prefix."
  }
}

variable "enforce_workload_permissions_boundary" {
  type        = bool
  description = "Require the workload boundary (iam:PermissionsBoundary) on every role infra-apply creates or changes the permissions of. Without it, infra-apply could create a role under managed_name_prefix with any permissions (privilege escalation through a merged change). Turn off only while a module that creates roles cannot set the boundary yet."
  default     = true
}

variable "workload_boundary_policy_name" {
  type        = string
  description = "Name of the workload permissions boundary policy. null: \"<role_name_prefix>workload-boundary\"."
  default     = null

  validation {
    condition     = var.workload_boundary_policy_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", coalesce(var.workload_boundary_policy_name, "x")))
    error_message = "workload_boundary_policy_name must be a valid IAM policy name."
  }
}

variable "publishers" {
  type = map(object({
    subject              = string
    push_repository_arn  = string
    read_repository_arns = optional(list(string), [])
  }))
  description = "One image-publishing role per image, named <role_name_prefix>publish-<key>. subject: the exact OIDC `sub` (after the repository prefix) of the one workflow job that may assume it, \"environment:<name>:ref:refs/heads/<branch>\" (one GitHub environment per image, so the other image's job cannot assume it); push_repository_arn: the only ECR repository it may push to; read_repository_arns: replicas it may only read (to confirm a replicated digest)."

  validation {
    condition     = length(var.publishers) > 0 && alltrue([for k, p in var.publishers : can(regex("^[a-z0-9-]{1,32}$", k)) && can(regex("^environment:[^:*?]+:ref:refs/heads/[^:*?]+$", p.subject))])
    error_message = "publishers must be non-empty; keys lowercase [a-z0-9-]; each subject an exact \"environment:<name>:ref:refs/heads/<branch>\" (no wildcards, never pull_request)."
  }

  validation {
    condition     = length(distinct([for p in values(var.publishers) : p.subject])) == length(var.publishers)
    error_message = "publishers must not share a subject: one trust subject per image, so one image's workflow cannot push the other image."
  }

  validation {
    condition     = length(distinct([for p in values(var.publishers) : p.push_repository_arn])) == length(var.publishers)
    error_message = "publishers must not share a push repository: each role pushes only its own image's repository."
  }

  validation {
    condition     = alltrue(flatten([for p in values(var.publishers) : [for a in concat([p.push_repository_arn], p.read_repository_arns) : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", a))]]))
    error_message = "publishers' repositories must be ECR repository ARNs (no wildcards)."
  }
}

variable "release_reader" {
  type = object({
    subjects            = list(string)
    endpoint_group_arns = list(string)
  })
  description = "The release train's read-only role <role_name_prefix>release-read (repository variable RELEASE_READ_ROLE_ARN): globalaccelerator:DescribeEndpointGroup on endpoint_group_arns only, so the train can tell whether the platform is failed over. subjects: the exact OIDC `sub` (after the repository prefix) of each job that reads the dials, \"environment:<name>:ref:refs/heads/<branch>\"; endpoint_group_arns: the accelerator's endpoint groups (a \"*\" only as a whole id segment, e.g. while the accelerator does not exist yet). null: no role."
  default     = null

  validation {
    condition = var.release_reader == null || (
      length(try(var.release_reader.subjects, [])) > 0 &&
      alltrue([for s in try(var.release_reader.subjects, []) : can(regex("^environment:[^:*?]+:ref:refs/heads/[^:*?]+$", s))])
    )
    error_message = "release_reader.subjects must be non-empty exact \"environment:<name>:ref:refs/heads/<branch>\" subjects (no wildcards, never pull_request)."
  }

  validation {
    condition     = var.release_reader == null || length(setintersection(toset(try(var.release_reader.subjects, [])), toset(var.apply_subjects))) == 0
    error_message = "release_reader.subjects must not share a subject with apply_subjects: the release train's jobs must not be able to assume infra-apply."
  }

  validation {
    condition = var.release_reader == null || (
      length(try(var.release_reader.endpoint_group_arns, [])) > 0 &&
      alltrue([for a in try(var.release_reader.endpoint_group_arns, []) : can(regex("^arn:aws[a-z-]*:globalaccelerator::[0-9]{12}:accelerator/([A-Za-z0-9-]+|\\*)/listener/([A-Za-z0-9]+|\\*)/endpoint-group/([A-Za-z0-9]+|\\*)$", a))])
    )
    error_message = "release_reader.endpoint_group_arns must be non-empty Global Accelerator endpoint group ARNs (arn:aws:globalaccelerator::<account>:accelerator/<id>/listener/<id>/endpoint-group/<id>; \"*\" only as a whole id)."
  }
}

variable "max_session_duration" {
  type        = number
  description = "Maximum session duration of the roles other than infra-apply, in seconds."
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "apply_max_session_duration" {
  type        = number
  description = "Maximum session duration of infra-apply, in seconds: at least the infra-merge apply job's timeout (120 min), which asks for this long a session."
  default     = 7200

  validation {
    condition     = var.apply_max_session_duration >= 7200 && var.apply_max_session_duration <= 43200
    error_message = "apply_max_session_duration must be between 7200 (the apply job's 120-minute timeout) and 43200 seconds."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
