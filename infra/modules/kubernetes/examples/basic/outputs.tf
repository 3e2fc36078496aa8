output "nlb_arn" {
  description = "ARN of the example's Envoy NLB."
  value       = module.kubernetes.nlb_arn
}
