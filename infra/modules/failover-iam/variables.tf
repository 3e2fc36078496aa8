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

variable "accelerator_arn" {
  type        = string
  description = "ARN of the Global Accelerator whose endpoint-group dials the controller may read and change."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:globalaccelerator::[0-9]{12}:accelerator/[0-9a-f-]+$", var.accelerator_arn))
    error_message = "accelerator_arn must look like arn:aws:globalaccelerator::123456789012:accelerator/<id>."
  }
}

variable "namespace" {
  type        = string
  description = "Kubernetes namespace of the failover controller's ServiceAccount."
  default     = "failover-system"
}

variable "service_account" {
  type        = string
  description = "Name of the failover controller's ServiceAccount."
  default     = "failover-controller"
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the IAM role."
  default     = {}
}
