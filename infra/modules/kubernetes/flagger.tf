resource "helm_release" "flagger" {
  name       = local.releases.flagger.name
  namespace  = kubernetes_namespace_v1.this[local.flagger_namespace].metadata[0].name
  repository = local.charts.flagger.repository
  chart      = local.charts.flagger.chart
  version    = local.charts.flagger.version
  wait       = true

  # meshProvider gatewayapi:v1 and the bundled Prometheus that deploy/'s MetricTemplates query.
  values = [local.chart_values.flagger]

  depends_on = [kubernetes_manifest.gateway_api_crds]
}

resource "helm_release" "flagger_loadtester" {
  name       = local.releases.loadtester.name
  namespace  = kubernetes_namespace_v1.this[local.flagger_namespace].metadata[0].name
  repository = local.charts.loadtester.repository
  chart      = local.charts.loadtester.chart
  version    = local.charts.loadtester.version
  wait       = true
  values     = [local.chart_values.loadtester]

  depends_on = [helm_release.flagger]
}

# GatewayClass + Gateway "contour" and Flux's GitRepository/Kustomization, as a tiny local chart:
# unlike kubernetes_manifest, a Helm release does not need the CRDs to exist at plan time.
#
# Created LAST: the moment it exists, Flux applies deploy/clusters/<region>, whose objects need
# Flagger's CRDs (Canary, MetricTemplate, AlertProvider: the flagger chart installs them, and its
# release waits until they are served), the load tester the Canary's webhooks call, and
# metrics-server for the HPAs. Without these dependencies Terraform may create the Flux sync first and
# the first reconciliation of `apps` fails with "no matches for kind Canary".
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

  depends_on = [
    helm_release.flux2,
    helm_release.contour,
    helm_release.flagger,
    helm_release.flagger_loadtester,
    helm_release.metrics_server,
  ]
}
