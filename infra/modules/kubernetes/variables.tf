variable "cluster_name" {
  type        = string
  description = "Name of the EKS cluster the controllers are installed into."

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9-_]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be a valid EKS cluster name."
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
}

variable "git_secret_name" {
  type        = string
  description = "Name of a Secret in flux-system with Git credentials, for a private repository; null for a public one."
  default     = null
}

variable "flux_path" {
  type        = string
  description = "Path in the repository of this cluster's Flux entry point, e.g. \"./deploy/clusters/eu-central-1\"."

  validation {
    condition     = startswith(var.flux_path, "./")
    error_message = "flux_path must be relative to the repository root and start with \"./\"."
  }
}

variable "gateway_api_version" {
  type        = string
  description = "Gateway API release whose standard-channel CRDs are installed (Flagger gatewayapi:v1 needs HTTPRoute v1)."
  default     = "v1.2.1"

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.gateway_api_version))
    error_message = "gateway_api_version must be an exact release tag such as v1.2.1."
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

variable "tls_certificate_secret_name" {
  type        = string
  description = "Secret (kubernetes.io/tls) in projectcontour for an HTTPS listener on port 443 of the Gateway; null serves HTTP only."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the AWS resources this module creates (IAM role, NLB)."
  default     = {}
}
