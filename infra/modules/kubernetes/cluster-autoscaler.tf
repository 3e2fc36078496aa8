# Cluster Autoscaler: adds nodes (up to the node group's max_size) when pods are pending. This is
# what turns the failover controller's scale-up of the standby's -primary HPA into real capacity;
# without it the warm standby would stay at its small desired size. EKS managed node groups carry the
# k8s.io/cluster-autoscaler/* discovery tags already.
module "cluster_autoscaler_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "1.12.1"

  # Exact role and policy names under "<cluster_name>-" (the environment prefix infra-apply may
  # write) and the workload boundary: see iam.tf.
  name                     = "${local.iam_name_prefix}cluster-autoscaler"
  use_name_prefix          = false
  policy_name_prefix       = local.iam_name_prefix
  permissions_boundary_arn = var.permissions_boundary_arn

  attach_cluster_autoscaler_policy = true
  cluster_autoscaler_cluster_names = [var.cluster_name]

  associations = {
    this = {
      cluster_name    = var.cluster_name
      namespace       = "kube-system"
      service_account = "cluster-autoscaler"
    }
  }

  tags = var.tags
}

resource "helm_release" "cluster_autoscaler" {
  name       = "cluster-autoscaler"
  namespace  = "kube-system"
  repository = local.charts.cluster_autoscaler.repository
  chart      = local.charts.cluster_autoscaler.chart
  version    = local.charts.cluster_autoscaler.version
  wait       = true

  values = [yamlencode({
    cloudProvider = "aws"
    awsRegion     = var.aws_region
    autoDiscovery = {
      clusterName = var.cluster_name
    }
    rbac = {
      serviceAccount = {
        create = true
        name   = "cluster-autoscaler"
      }
    }
    extraArgs = {
      # Scale out quickly during a failover; keep scale-in conservative.
      "balance-similar-node-groups" = true
      "scale-down-unneeded-time"    = "10m"
      "expander"                    = "least-waste"
    }
  })]

  depends_on = [module.cluster_autoscaler_pod_identity]
}
