# In-cluster platform of one region. Order (depends_on chain):
#   Gateway API CRDs -> AWS Load Balancer Controller -> Contour (Envoy Service => NLB)
#   -> platform-bootstrap chart (GatewayClass/Gateway "contour", Flux sync) and Flagger.
# Flux itself is installed early so it can start reconciling as soon as its sync objects exist.

locals {
  # Every chart version is exact: an upgrade is a reviewed change of this file.
  charts = {
    aws_load_balancer_controller = { repository = "https://aws.github.io/eks-charts", chart = "aws-load-balancer-controller", version = "1.13.4" }
    # Cluster Autoscaler's minor version follows the cluster's Kubernetes minor: bump together. The
    # 9.46.x charts ship Cluster Autoscaler 1.32.x, for EKS 1.32 (9.38 shipped 1.31, 9.47 ships 1.33).
    cluster_autoscaler = { repository = "https://kubernetes.github.io/autoscaler", chart = "cluster-autoscaler", version = "9.46.6" }
    flux2              = { repository = "https://fluxcd-community.github.io/helm-charts", chart = "flux2", version = "2.16.0" }
    # Bitnami chart for its manifests only; its images are replaced below (local.images).
    contour    = { repository = "oci://registry-1.docker.io/bitnamicharts", chart = "contour", version = "19.5.6" }
    flagger    = { repository = "https://flagger.app", chart = "flagger", version = "1.41.0" }
    loadtester = { repository = "https://flagger.app", chart = "loadtester", version = "0.34.0" }
  }

  # Container images of Contour and Envoy, from the projects' own registries. Since 2025 Bitnami no
  # longer publishes versioned images under docker.io/bitnami (they moved to docker.io/bitnamilegacy,
  # frozen, without security updates; current ones need a Bitnami Secure Images subscription), so
  # the Bitnami chart's default image references would not pull. The chart runs the same binaries
  # with the same commands as Contour's upstream manifests (`contour serve|bootstrap|envoy
  # shutdown-manager`, `envoy -c /config/envoy.json`), so the upstream images drop in. Pair from
  # Contour's compatibility matrix: Contour v1.32.0 with Envoy v1.34.1, for Kubernetes 1.31-1.33
  # and Gateway API v1.2.1 (var.gateway_api_version). Bump both together, following that matrix.
  images = {
    contour = { registry = "ghcr.io", repository = "projectcontour/contour", tag = "v1.32.0" }
    envoy   = { registry = "docker.io", repository = "envoyproxy/envoy", tag = "v1.34.1" }
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
