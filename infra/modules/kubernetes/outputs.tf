output "nlb_arn" {
  description = "ARN of the Envoy NLB (Global Accelerator endpoint of this region)."
  value       = data.aws_lb.envoy.arn
}

output "nlb_dns_name" {
  description = "DNS name of the Envoy NLB (probed by the failover controller)."
  value       = data.aws_lb.envoy.dns_name
}

output "client_ip_preservation_supported" {
  description = "Whether Global Accelerator may preserve client IPs towards the Envoy NLB: false when the NLB has a TLS listener (tls_certificate_arn), which AWS does not support. The global-accelerator unit passes it as client_ip_preservation_enabled."
  value       = local.client_ip_preservation_supported
}

output "served_ports" {
  description = "TCP ports the Envoy NLB serves to clients: [80], or [80, 443] with tls_certificate_arn (TLS terminated at the NLB). The Global Accelerator listens on exactly these."
  value       = local.served_ports
}

output "gateway" {
  description = "Namespace and name of the Gateway that HTTPRoutes (and Flagger) attach to."
  value       = { namespace = local.gateway.namespace, name = local.gateway.name }
}

output "lb_controller_role_arn" {
  description = "ARN of the AWS Load Balancer Controller's IAM role."
  value       = module.lb_controller_pod_identity.iam_role_arn
}

output "cluster_autoscaler_role_arn" {
  description = "ARN of the Cluster Autoscaler's IAM role."
  value       = module.cluster_autoscaler_pod_identity.iam_role_arn
}

output "chart_versions" {
  description = "Exact versions of the Helm charts installed."
  value       = { for k, c in local.charts : k => c.version }
}

output "iam_role_names" {
  description = "Names of the Pod Identity roles the module creates (each \"<cluster_name>-<controller>\", with the permissions boundary permissions_boundary_arn)."
  value = {
    aws_load_balancer_controller = module.lb_controller_pod_identity.iam_role_name
    cluster_autoscaler           = module.cluster_autoscaler_pod_identity.iam_role_name
  }
}
