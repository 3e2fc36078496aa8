output "role_arn" {
  description = "ARN of the failover controller's IAM role."
  value       = aws_iam_role.this.arn
}

output "pod_identity_association_id" {
  description = "ID of the EKS Pod Identity association (namespace/service account -> role)."
  value       = aws_eks_pod_identity_association.this.association_id
}
