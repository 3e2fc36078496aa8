# IAM role (AWS's published LB controller policy) bound to the controller's ServiceAccount with EKS
# Pod Identity (the eks-pod-identity-agent add-on is installed by the eks unit).
module "lb_controller_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "1.12.1"

  # Exact role and policy names under "<cluster_name>-" (the environment prefix infra-apply may
  # write) and the workload boundary: see iam.tf.
  name                     = "${local.iam_name_prefix}aws-lb-controller"
  use_name_prefix          = false
  policy_name_prefix       = local.iam_name_prefix
  permissions_boundary_arn = var.permissions_boundary_arn

  attach_aws_lb_controller_policy = true

  associations = {
    this = {
      cluster_name    = var.cluster_name
      namespace       = "kube-system"
      service_account = "aws-load-balancer-controller"
    }
  }

  tags = var.tags
}

resource "helm_release" "aws_load_balancer_controller" {
  name       = "aws-load-balancer-controller"
  namespace  = "kube-system"
  repository = local.charts.aws_load_balancer_controller.repository
  chart      = local.charts.aws_load_balancer_controller.chart
  version    = local.charts.aws_load_balancer_controller.version
  wait       = true

  values = [yamlencode({
    clusterName  = var.cluster_name
    region       = var.aws_region
    vpcId        = var.vpc_id
    replicaCount = 2
    serviceAccount = {
      create = true
      name   = "aws-load-balancer-controller"
    }
  })]

  depends_on = [module.lb_controller_pod_identity]
}
