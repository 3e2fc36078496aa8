output "accelerator_arn" {
  description = "ARN of the accelerator (scope of the failover controller's IAM policy)."
  value       = aws_globalaccelerator_accelerator.this.id
}

output "dns_name" {
  description = "DNS name of the accelerator."
  value       = aws_globalaccelerator_accelerator.this.dns_name
}

output "static_ips" {
  description = "The accelerator's two anycast static IPv4 addresses."
  value       = flatten([for s in aws_globalaccelerator_accelerator.this.ip_sets : s.ip_addresses])
}

output "listener_ports" {
  description = "TCP ports the accelerator listens on (those every region's NLB serves)."
  value       = local.listener_ports
}

output "listener_arn" {
  description = "ARN of the TCP listener."
  value       = aws_globalaccelerator_listener.this.id
}

output "endpoint_group_arns" {
  description = "Endpoint group ARN per region."
  value       = { for region, g in aws_globalaccelerator_endpoint_group.this : region => g.arn }
}

output "flow_logs_bucket" {
  description = "S3 bucket of the accelerator's flow logs (null when they are off)."
  value       = var.flow_logs == null ? null : local.flow_logs_bucket
}
