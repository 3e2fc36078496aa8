output "oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider."
  value       = local.oidc_provider_arn
}

output "infra_plan_role_arn" {
  description = "ARN of infra-plan (repository variable INFRA_PLAN_ROLE_ARN)."
  value       = aws_iam_role.plan.arn
}

output "infra_apply_role_arn" {
  description = "ARN of infra-apply (repository variable INFRA_APPLY_ROLE_ARN)."
  value       = aws_iam_role.apply.arn
}

output "publish_role_arns" {
  description = "ARN of each image's publishing role, by publisher key (repository variables APP_PUBLISH_ROLE_ARN for demo-app, FAILOVER_PUBLISH_ROLE_ARN for failover-controller)."
  value       = { for k, r in aws_iam_role.publish : k => r.arn }
}

output "release_read_role_arn" {
  description = "ARN of release-read (repository variable RELEASE_READ_ROLE_ARN); null without release_reader."
  value       = one(aws_iam_role.release_read[*].arn)
}

output "infra_apply_policy_arns" {
  description = "ARNs of the two customer-managed policies attached to infra-apply (services, iam)."
  value       = { for k, p in aws_iam_policy.apply : k => p.arn }
}

output "workload_permissions_boundary_arn" {
  description = "ARN of the permissions boundary every role created by infra-apply must carry (eks, kubernetes and failover-iam units)."
  value       = aws_iam_policy.workload_boundary.arn
}
