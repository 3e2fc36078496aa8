# In-cluster platform of one region. Order (depends_on chain):
#   Gateway API CRDs -> AWS Load Balancer Controller -> Contour (Envoy Service => NLB)
#   Gateway API CRDs -> Flagger (its CRDs: Canary, MetricTemplate, AlertProvider) -> load tester
#   metrics-server (resource metrics for the HPAs)
#   -> platform-bootstrap chart (GatewayClass/Gateway "contour", Flux sync) LAST: Flux applies
#      deploy/ (Canary, MetricTemplates, AlertProvider, HPA) only once their CRDs and controllers exist.
# Flux itself is installed early; it has nothing to reconcile until platform-bootstrap creates its sync.

locals {
  # One values source for Terraform and the kind end-to-end test (tools/deploy-check/src/e2e): chart
  # versions, release names, the Gateway, the Gateway API channel (values/platform.yaml) and each
  # chart's static Helm values (values/<chart>.yaml).
  platform = yamldecode(file("${path.module}/values/platform.yaml"))
  charts   = local.platform.charts
  releases = local.platform.releases

  chart_values = {
    flux2          = file("${path.module}/values/flux2.yaml")
    contour        = file("${path.module}/values/contour.yaml")
    flagger        = file("${path.module}/values/flagger.yaml")
    loadtester     = file("${path.module}/values/loadtester.yaml")
    metrics_server = file("${path.module}/values/metrics-server.yaml")
  }

  gateway = {
    name            = local.platform.gateway.name
    namespace       = local.platform.gateway.namespace
    class_name      = local.platform.gateway.className
    controller_name = local.platform.gateway.controllerName
  }

  # Service "<release>-envoy" of the contour chart; the AWS Load Balancer Controller tags its NLB with
  # service.k8s.aws/stack = "<namespace>/<service>", which is how the NLB is found again below.
  envoy_service_name = local.platform.gateway.envoyService

  flux_namespace    = local.releases.flux2.namespace
  flagger_namespace = local.releases.flagger.namespace
}

resource "kubernetes_namespace_v1" "this" {
  for_each = toset([local.flux_namespace, local.gateway.namespace, local.flagger_namespace])

  metadata {
    name = each.value
  }
}
