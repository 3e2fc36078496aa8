resource "helm_release" "flagger" {
  name       = "flagger"
  namespace  = kubernetes_namespace_v1.this[local.flagger_namespace].metadata[0].name
  repository = local.charts.flagger.repository
  chart      = local.charts.flagger.chart
  version    = local.charts.flagger.version
  wait       = true

  values = [yamlencode({
    meshProvider = "gatewayapi:v1"
    # Flagger's bundled Prometheus (kubernetes-pods job) is what the MetricTemplates in deploy/ query.
    prometheus = { install = true }
  })]

  depends_on = [kubernetes_manifest.gateway_api_crds]
}

resource "helm_release" "flagger_loadtester" {
  name       = "flagger-loadtester"
  namespace  = kubernetes_namespace_v1.this[local.flagger_namespace].metadata[0].name
  repository = local.charts.loadtester.repository
  chart      = local.charts.loadtester.chart
  version    = local.charts.loadtester.version
  wait       = true

  depends_on = [helm_release.flagger]
}

# GatewayClass + Gateway "contour" and Flux's GitRepository/Kustomization, as a tiny local chart:
# unlike kubernetes_manifest, a Helm release does not need the CRDs to exist at plan time.
resource "helm_release" "platform_bootstrap" {
  name      = "platform-bootstrap"
  namespace = kubernetes_namespace_v1.this[local.flux_namespace].metadata[0].name
  chart     = "${path.module}/charts/platform-bootstrap"
  wait      = true

  values = [yamlencode({
    gateway = {
      name           = local.gateway.name
      namespace      = local.gateway.namespace
      className      = local.gateway.class_name
      controllerName = local.gateway.controller_name
    }
    flux = {
      url       = "https://github.com/${var.git_repository}"
      branch    = var.git_branch
      path      = var.flux_path
      secretRef = var.git_secret_name
    }
  })]

  depends_on = [helm_release.flux2, helm_release.contour]
}
