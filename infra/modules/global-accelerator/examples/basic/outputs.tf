output "dns_name" {
  description = "DNS name of the example accelerator."
  value       = module.global_accelerator.dns_name
}
