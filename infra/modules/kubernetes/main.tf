# In-cluster platform of one region. Order (depends_on chain):
#   Gateway API CRDs -> AWS Load Balancer Controller -> Contour (Envoy Service => NLB)
#   -> platform-bootstrap chart (GatewayClass/Gateway "contour", Flux sync) and Flagger.
# Flux itself is installed early so it can start reconciling as soon as its sync objects exist.

locals {
  # Every chart version is exact: an upgrade is a reviewed change of this file.
  charts = {
    aws_load_balancer_controller = { repository = "https://aws.github.io/eks-charts", chart = "aws-load-balancer-controller", version = "1.13.4" }
    # Cluster Autoscaler's minor version should follow the cluster's Kubernetes minor: bump together.
    cluster_autoscaler = { repository = "https://kubernetes.github.io/autoscaler", chart = "cluster-autoscaler", version = "9.43.2" }
    flux2              = { repository = "https://fluxcd-community.github.io/helm-charts", chart = "flux2", version = "2.16.0" }
    contour            = { repository = "oci://registry-1.docker.io/bitnamicharts", chart = "contour", version = "19.5.6" }
    flagger            = { repository = "https://flagger.app", chart = "flagger", version = "1.41.0" }
    loadtester         = { repository = "https://flagger.app", chart = "loadtester", version = "0.34.0" }
  }

  gateway = {
    name            = "contour"
    namespace       = "projectcontour"
    class_name      = "contour"
    controller_name = "projectcontour.io/gateway-controller"
  }

  # Service "<release>-envoy" of the contour chart; the AWS Load Balancer Controller tags its NLB with
  # service.k8s.aws/stack = "<namespace>/<service>", which is how the NLB is found again below.
  envoy_service_name = "contour-envoy"

  flux_namespace    = "flux-system"
  flagger_namespace = "flagger-system"
}

resource "kubernetes_namespace_v1" "this" {
  for_each = toset([local.flux_namespace, local.gateway.namespace, local.flagger_namespace])

  metadata {
    name = each.value
  }
}
