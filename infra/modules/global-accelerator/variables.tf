variable "name" {
  type        = string
  description = "Name of the accelerator."

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits and hyphens."
  }
}

variable "listener_ports" {
  type        = list(number)
  description = "TCP ports the accelerator listens on; each becomes a port range of one port, forwarded to the same port on the NLBs."
  default     = [80, 443]

  validation {
    condition     = length(var.listener_ports) > 0 && alltrue([for p in var.listener_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "listener_ports must be a non-empty list of integer ports between 1 and 65535."
  }
}

variable "endpoint_groups" {
  type = map(object({
    endpoint_id                    = string
    traffic_dial_percentage        = number
    weight                         = number
    client_ip_preservation_enabled = optional(bool, true)
  }))
  description = "One endpoint group per AWS region (map key = region, e.g. \"eu-central-1\"), each with one NLB endpoint. traffic_dial_percentage is only the INITIAL dial (100 for the primary, 0 for the warm standby): the failover controller owns it at run time."

  validation {
    condition     = length(var.endpoint_groups) > 0
    error_message = "endpoint_groups must contain at least one region."
  }

  validation {
    condition     = alltrue([for k, g in var.endpoint_groups : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", k))])
    error_message = "endpoint_groups keys must be AWS region names such as \"eu-central-1\"."
  }

  validation {
    condition     = alltrue([for g in values(var.endpoint_groups) : g.traffic_dial_percentage >= 0 && g.traffic_dial_percentage <= 100])
    error_message = "traffic_dial_percentage must be between 0 and 100."
  }

  validation {
    condition     = alltrue([for g in values(var.endpoint_groups) : g.weight >= 0 && g.weight <= 255 && floor(g.weight) == g.weight])
    error_message = "weight must be an integer between 0 and 255."
  }

  validation {
    condition     = alltrue([for g in values(var.endpoint_groups) : can(regex("^arn:aws[a-z-]*:elasticloadbalancing:", g.endpoint_id))])
    error_message = "endpoint_id must be a load balancer ARN (arn:aws:elasticloadbalancing:...)."
  }
}

variable "flow_logs" {
  type = object({
    s3_bucket = string
    s3_prefix = optional(string, "global-accelerator/")
  })
  description = "Optional flow logs destination; null disables flow logs."
  default     = null
}
