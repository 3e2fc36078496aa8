output "infra_plan_role_arn" {
  description = "ARN of the example plan role."
  value       = module.github_oidc.infra_plan_role_arn
}

output "release_read_role_arn" {
  description = "ARN of the example release-read role."
  value       = module.github_oidc.release_read_role_arn
}
