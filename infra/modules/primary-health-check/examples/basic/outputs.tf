output "health_check_ids" {
  description = "Ids of the example health checks."
  value       = module.primary_health_check.health_check_ids
}
