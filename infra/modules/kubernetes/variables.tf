variable "cluster_name" {
  type        = string
  description = "Name of the EKS cluster the controllers are installed into."

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9-_]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be a valid EKS cluster name."
  }

  # The Pod Identity role and policy names are "<cluster_name>-<controller>" (iam.tf); the longest,
  # "<cluster_name>-cluster-autoscaler", must fit IAM's 64-character role name limit.
  validation {
    condition     = length(var.cluster_name) <= 45
    error_message = "cluster_name must be at most 45 characters: the module's IAM role names are <cluster_name>-cluster-autoscaler (IAM role names are at most 64 characters)."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "ARN of the IAM policy set as permissions boundary on the module's Pod Identity roles (AWS Load Balancer Controller, Cluster Autoscaler): the github-oidc module's workload boundary. Required because the CI apply role (infra-apply) may create or re-permission a role only when it carries exactly that boundary (iam:PermissionsBoundary condition); without it the apply fails with AccessDenied, and without the condition a merged change could mint an unbounded role."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]{1,128}$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN such as arn:aws:iam::123456789012:policy/github-workload-boundary."
  }
}

variable "aws_region" {
  type        = string
  description = "AWS region of the cluster (AWS Load Balancer Controller configuration)."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as \"eu-central-1\"."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the cluster (AWS Load Balancer Controller configuration)."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "git_repository" {
  type        = string
  description = "GitHub repository Flux reconciles, as \"owner/name\" (cloned over HTTPS)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.git_repository))
    error_message = "git_repository must be \"owner/name\"."
  }
}

variable "git_branch" {
  type        = string
  description = "Branch Flux follows."
  default     = "main"

  validation {
    # A branch name git accepts (git check-ref-format, the common cases): no spaces or ~^:?*[\,
    # no "..", no leading/trailing "/" or ".", not ending in ".lock".
    condition = (
      can(regex("^[A-Za-z0-9._/-]{1,255}$", var.git_branch)) &&
      !strcontains(var.git_branch, "..") && !strcontains(var.git_branch, "//") &&
      !startswith(var.git_branch, "/") && !endswith(var.git_branch, "/") &&
      !startswith(var.git_branch, ".") && !endswith(var.git_branch, ".") &&
      !startswith(var.git_branch, "-") && !endswith(var.git_branch, ".lock")
    )
    error_message = "git_branch must be a plain branch name such as \"main\" or \"release/1.2\" (letters, digits, . _ - /; no \"..\", no leading or trailing \"/\" or \".\")."
  }
}

variable "git_secret_name" {
  type        = string
  description = "Name of a Secret in flux-system with Git credentials, for a private repository; null for a public one."
  default     = null

  validation {
    condition     = var.git_secret_name == null || can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", var.git_secret_name))
    error_message = "git_secret_name must be null or a Kubernetes object name (lower-case letters, digits, \"-\" and \".\", at most 253 characters, starting and ending alphanumeric)."
  }
}

variable "flux_path" {
  type        = string
  description = "Path in the repository of this cluster's Flux entry point, e.g. \"./deploy/clusters/eu-central-1\"."

  validation {
    condition     = startswith(var.flux_path, "./")
    error_message = "flux_path must be relative to the repository root and start with \"./\"."
  }
}

variable "nlb_scheme" {
  type        = string
  description = "Scheme of the Envoy NLB. internet-facing lets the failover controller in the other region probe it directly."
  default     = "internet-facing"

  validation {
    condition     = contains(["internet-facing", "internal"], var.nlb_scheme)
    error_message = "nlb_scheme must be \"internet-facing\" or \"internal\"."
  }
}

variable "nlb_health_check_path" {
  type        = string
  description = "HTTP path of the NLB target-group health check. It goes through Envoy to the app (/readyz), so a region whose app cannot serve is unhealthy for Global Accelerator."
  default     = "/readyz"

  validation {
    condition     = startswith(var.nlb_health_check_path, "/")
    error_message = "nlb_health_check_path must start with \"/\"."
  }
}

variable "tls_certificate_arn" {
  type        = string
  description = "ARN of an ACM certificate in this region for the app's hostname. Set: the NLB terminates TLS on port 443 (and keeps plain HTTP on 80) and the output served_ports includes 443. null: HTTP on port 80 only."
  default     = null

  validation {
    condition     = var.tls_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.tls_certificate_arn))
    error_message = "tls_certificate_arn must be null or an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }

  validation {
    # An NLB can only use a certificate from its own region.
    condition     = var.tls_certificate_arn == null || try(split(":", var.tls_certificate_arn)[3] == var.aws_region, false)
    error_message = "tls_certificate_arn must be a certificate in aws_region: an NLB uses ACM certificates of its own region only."
  }
}

variable "tls_policy" {
  type        = string
  description = "ELB security policy of the NLB's TLS listener (used only with tls_certificate_arn)."
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-[A-Za-z0-9-]+$", var.tls_policy))
    error_message = "tls_policy must be an ELB security policy name such as ELBSecurityPolicy-TLS13-1-2-2021-06."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the AWS resources this module creates (IAM role, NLB)."
  default     = {}
}
