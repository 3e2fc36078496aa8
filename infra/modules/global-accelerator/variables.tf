variable "name" {
  type        = string
  description = "Name of the accelerator."

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits and hyphens."
  }
}

variable "endpoint_groups" {
  type = map(object({
    endpoint_id                    = string
    ports                          = list(number)
    traffic_dial_percentage        = number
    weight                         = number
    client_ip_preservation_enabled = optional(bool, true)
    nlb_tls_listener               = optional(bool, false)
  }))
  description = "One endpoint group per AWS region (map key = region, e.g. \"eu-central-1\"), each with one NLB endpoint. ports: the TCP ports that NLB serves (the kubernetes module's served_ports output); every region must serve the same ports, and the listener forwards exactly those. nlb_tls_listener: the NLB terminates TLS (then client_ip_preservation_enabled must be false). traffic_dial_percentage is only the INITIAL dial (100 for the primary, 0 for the warm standby): the failover controller owns it at run time."

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
    condition     = alltrue([for g in values(var.endpoint_groups) : length(g.ports) > 0 && alltrue([for p in g.ports : p >= 1 && p <= 65535 && floor(p) == p])])
    error_message = "ports must be a non-empty list of integer ports between 1 and 65535."
  }

  validation {
    # A port served in one region only would break on failover (the accelerator would forward it
    # to a load balancer that does not listen on it), so every region must serve the same set.
    condition     = length(distinct([for g in values(var.endpoint_groups) : sort([for p in g.ports : tostring(p)])])) <= 1
    error_message = "every endpoint group must have the same ports: the accelerator forwards each port to whichever region serves traffic."
  }

  validation {
    # "You cannot use client IP address preservation with Network Load Balancers with TLS listeners"
    # (AWS Global Accelerator API reference, EndpointDescription.ClientIPPreservationEnabled): the
    # apply would fail at AWS. The kubernetes module's client_ip_preservation_supported output says
    # which one applies; the live unit passes it through.
    condition     = alltrue([for g in values(var.endpoint_groups) : !(g.client_ip_preservation_enabled && g.nlb_tls_listener)])
    error_message = "client_ip_preservation_enabled must be false for an endpoint whose NLB has a TLS listener (nlb_tls_listener = true): Global Accelerator does not support client IP preservation with NLB TLS listeners. Pass the kubernetes module's client_ip_preservation_supported output."
  }

  validation {
    condition     = alltrue([for g in values(var.endpoint_groups) : can(regex("^arn:aws[a-z-]*:elasticloadbalancing:", g.endpoint_id))])
    error_message = "endpoint_id must be a load balancer ARN (arn:aws:elasticloadbalancing:...)."
  }
}

variable "flow_logs" {
  type = object({
    s3_bucket      = optional(string)
    s3_prefix      = optional(string, "global-accelerator/")
    retention_days = optional(number, 365)
  })
  description = "Flow logs, on by default. s3_bucket null: the module creates \"<name>-flow-logs-<account>\" (private, SSE-S3, logs expire after retention_days) with the bucket policy AWS log delivery needs; a given bucket must carry that policy itself. null turns flow logs off and then needs flow_logs_off_reason."
  default     = {}

  validation {
    condition     = var.flow_logs != null || trimspace(coalesce(var.flow_logs_off_reason, " ")) != ""
    error_message = "flow_logs = null turns Global Accelerator flow logs off: set flow_logs_off_reason to say why (a security review expects them on)."
  }

  validation {
    condition     = try(var.flow_logs.retention_days >= 1, true)
    error_message = "flow_logs.retention_days must be at least 1."
  }

  validation {
    # A prefix ending without "/" or starting with one gives odd keys (".../prefixAWSLogs/", "//").
    condition     = try(endswith(var.flow_logs.s3_prefix, "/") && !startswith(var.flow_logs.s3_prefix, "/"), true)
    error_message = "flow_logs.s3_prefix must end with \"/\" and not start with one."
  }
}

variable "flow_logs_off_reason" {
  type        = string
  description = "Why flow logs are off (required when flow_logs = null)."
  default     = null
}
