output "role_arn" {
  description = "ARN of the example role."
  value       = module.failover_iam.role_arn
}
