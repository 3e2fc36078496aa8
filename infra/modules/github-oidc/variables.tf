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
  description = "Prefix of the three role names (<prefix>infra-plan, <prefix>infra-apply, <prefix>app-publish)."
  default     = "github-"
}

variable "plan_subjects" {
  type        = list(string)
  description = "OIDC `sub` claims (relative to the repository) that may assume infra-plan. Default: pull_request events."
  default     = ["pull_request"]

  validation {
    condition     = length(var.plan_subjects) > 0 && alltrue([for s in var.plan_subjects : !strcontains(s, "*")])
    error_message = "plan_subjects must be non-empty exact subjects (no wildcards)."
  }
}

variable "apply_subjects" {
  type        = list(string)
  description = "OIDC `sub` claims (relative to the repository) that may assume infra-apply: GitHub environments only (default: the `infrastructure` environment of infra-merge, restricted to main by its deployment branch policy). Never shared with app-publish's environments."
  default     = ["environment:infrastructure"]

  validation {
    condition     = length(var.apply_subjects) > 0 && alltrue([for s in var.apply_subjects : !strcontains(s, "*") && startswith(s, "environment:")])
    error_message = "apply_subjects must be exact \"environment:<name>\" subjects (no wildcards, no branch refs, never pull_request): the environment's protection rules are the gate."
  }

  validation {
    condition     = length(setintersection(toset(var.apply_subjects), toset(var.publish_subjects))) == 0
    error_message = "apply_subjects must not share a subject with publish_subjects: the app-merge job must not be able to assume infra-apply."
  }
}

variable "publish_subjects" {
  type        = list(string)
  description = "OIDC `sub` claims (relative to the repository) that may assume app-publish."
  default     = ["environment:production"]

  validation {
    condition     = length(var.publish_subjects) > 0 && alltrue([for s in var.publish_subjects : !strcontains(s, "*") && s != "pull_request"])
    error_message = "publish_subjects must be exact subjects, without wildcards and never pull_request."
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

variable "apply_policy_arns" {
  type        = list(string)
  description = "Managed policies attached to infra-apply. It creates VPCs, EKS, IAM roles and more, so the default is AdministratorAccess; it is reachable only from the infrastructure environment (main only)."
  default     = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

variable "ecr_push_repository_arns" {
  type        = list(string)
  description = "ECR repositories app-publish may push to (the demo-app repository in the primary region; replication copies it)."

  validation {
    condition     = length(var.ecr_push_repository_arns) > 0 && alltrue([for a in var.ecr_push_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", a))])
    error_message = "ecr_push_repository_arns must be a non-empty list of ECR repository ARNs (no wildcards)."
  }
}

variable "ecr_read_repository_arns" {
  type        = list(string)
  description = "ECR repositories app-publish may only read (the replicas, to confirm that a digest arrived)."
  default     = []

  validation {
    condition     = alltrue([for a in var.ecr_read_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", a))])
    error_message = "ecr_read_repository_arns must be ECR repository ARNs (no wildcards)."
  }
}

variable "max_session_duration" {
  type        = number
  description = "Maximum session duration of the roles, in seconds."
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
