variable "name" {
  type        = string
  description = "Name of the IAM role assumed by the failover controller."
  default     = "failover-controller"

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.name))
    error_message = "name must be a valid IAM role name (1-64 characters)."
  }
}

variable "cluster_name" {
  type        = string
  description = "EKS cluster (in the standby region) where the failover controller runs."

  validation {
    condition     = length(var.cluster_name) > 0
    error_message = "cluster_name must not be empty."
  }
}

variable "primary_endpoint_group_arn" {
  type        = string
  description = "ARN of the primary region's Global Accelerator endpoint group (dial set to 0 on failover; its health is read as a witness)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:globalaccelerator::[0-9]{12}:accelerator/[0-9a-z-]+/listener/[0-9a-z]+/endpoint-group/[0-9a-z]+$", var.primary_endpoint_group_arn))
    error_message = "primary_endpoint_group_arn must look like arn:aws:globalaccelerator::123456789012:accelerator/<id>/listener/<id>/endpoint-group/<id>."
  }
}

variable "standby_endpoint_group_arn" {
  type        = string
  description = "ARN of the standby region's Global Accelerator endpoint group (dial set to 100 on failover)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:globalaccelerator::[0-9]{12}:accelerator/[0-9a-z-]+/listener/[0-9a-z]+/endpoint-group/[0-9a-z]+$", var.standby_endpoint_group_arn))
    error_message = "standby_endpoint_group_arn must look like arn:aws:globalaccelerator::123456789012:accelerator/<id>/listener/<id>/endpoint-group/<id>."
  }
}

variable "route53_health_check_ids" {
  type        = list(string)
  description = "Route 53 health check ids of the primary's endpoint (module primary-health-check) whose status the controller may read. Empty: no Route 53 permission."
  default     = []

  validation {
    condition     = alltrue([for id in var.route53_health_check_ids : can(regex("^[0-9a-f-]{36}$", id))])
    error_message = "route53_health_check_ids must be Route 53 health check ids (UUIDs)."
  }
}

variable "namespace" {
  type        = string
  description = "Kubernetes namespace of the failover controller's ServiceAccount."
  default     = "failover-system"

  # Pinned in the trust policy (kubernetes-namespace session tag): a typo would make a role nobody
  # can assume, so reject what Kubernetes itself would reject (RFC 1123 label).
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a Kubernetes namespace name (RFC 1123 label: lower-case alphanumerics and '-', at most 63 characters)."
  }
}

variable "service_account" {
  type        = string
  description = "Name of the failover controller's ServiceAccount."
  default     = "failover-controller"

  # Pinned in the trust policy (kubernetes-service-account session tag); RFC 1123 subdomain.
  validation {
    condition     = length(var.service_account) <= 253 && can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", var.service_account))
    error_message = "service_account must be a Kubernetes ServiceAccount name (RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', at most 253 characters)."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Permissions boundary set on the role (the github-oidc module's workload boundary, which the CI apply role requires on every role it creates). null: none."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", coalesce(var.permissions_boundary_arn, "x")))
    error_message = "permissions_boundary_arn must be an IAM policy ARN (arn:aws:iam::123456789012:policy/NAME) or null."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the IAM role."
  default     = {}
}
