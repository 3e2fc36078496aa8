# IAM naming of the module's two Pod Identity roles (terraform-aws-modules/eks-pod-identity):
#
#   role   <cluster_name>-aws-lb-controller     policy <cluster_name>-LoadBalancerController
#   role   <cluster_name>-cluster-autoscaler    policy <cluster_name>-ClusterAutoscaler
#
# The CI apply role (modules/github-oidc) may write IAM only under "<environment>-", which the
# cluster name ("<environment>-<region>") starts with, and may create or re-permission a role only
# when it carries the workload permissions boundary (var.permissions_boundary_arn). The module's
# defaults would break both: policies named "AmazonEKS_<Controller>-..." (policy_name_prefix) and
# no boundary.
#
# Exact names (use_name_prefix = false) instead of the module's random-suffixed name_prefix: a
# role name_prefix is limited to 38 characters, which "prod-<longer region>-cluster-autoscaler-"
# exceeds; exact names fit the 64-character limit for any cluster name of up to 45 characters
# (validated) and are the names the README's IAM table lists.
locals {
  iam_name_prefix = "${var.cluster_name}-"
}
