variable "name" {
  type        = string
  description = "Name prefix of the health checks (Name tag)."

  validation {
    condition     = length(var.name) > 0 && length(var.name) <= 64
    error_message = "name must be 1-64 characters."
  }
}

variable "endpoints" {
  type        = list(string)
  description = "Host names of the primary's public endpoints to check (e.g. the primary NLB's DNS name). One health check each."

  validation {
    condition     = length(var.endpoints) > 0 && alltrue([for e in var.endpoints : can(regex("^[a-zA-Z0-9.-]{1,253}$", e))])
    error_message = "endpoints must be one or more host names."
  }
}

variable "port" {
  type        = number
  description = "Port of the endpoint."
  default     = 80

  validation {
    condition     = var.port >= 1 && var.port <= 65535
    error_message = "port must be 1-65535."
  }
}

variable "type" {
  type        = string
  description = "HTTP or HTTPS."
  default     = "HTTP"

  validation {
    condition     = contains(["HTTP", "HTTPS"], var.type)
    error_message = "type must be HTTP or HTTPS."
  }
}

variable "resource_path" {
  type        = string
  description = "Path requested by the checkers (the app's readiness)."
  default     = "/readyz"

  validation {
    condition     = startswith(var.resource_path, "/")
    error_message = "resource_path must start with /."
  }
}

variable "request_interval" {
  type        = number
  description = "Seconds between checks of one checker: 10 (fast) or 30."
  default     = 10

  validation {
    condition     = contains([10, 30], var.request_interval)
    error_message = "request_interval must be 10 or 30."
  }
}

variable "failure_threshold" {
  type        = number
  description = "Consecutive failures before a checker calls the endpoint unhealthy (1-10)."
  default     = 2

  validation {
    condition     = var.failure_threshold >= 1 && var.failure_threshold <= 10
    error_message = "failure_threshold must be 1-10."
  }
}

variable "checker_regions" {
  type        = list(string)
  description = "Route 53 checker regions (at least three, outside the primary region's failure domain)."
  default     = ["us-east-1", "eu-west-1", "ap-southeast-1"]

  validation {
    condition     = length(var.checker_regions) >= 3
    error_message = "Route 53 requires at least three checker regions."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the health checks."
  default     = {}
}
