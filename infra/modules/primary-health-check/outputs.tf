output "health_check_ids" {
  description = "Ids of the health checks, one per endpoint (the failover controller's ROUTE53_HEALTH_CHECK_IDS)."
  value       = [for e in var.endpoints : aws_route53_health_check.primary[e].id]
}
