# Flux: the controllers from the fluxcd-community chart; the sync objects (GitRepository +
# Kustomization for deploy/clusters/<region>) from the local platform-bootstrap chart.
#
# Chosen over the fluxcd/flux provider's flux_bootstrap_git: bootstrap commits Flux's manifests into
# the repository and needs a Git write credential (deploy key) in Terraform, which the read-only
# plan role could not use and which would hand infra-apply write access to the repository. Here
# Terraform only needs the cluster; Flux only reads Git; upgrades are a chart version bump.
resource "helm_release" "flux2" {
  name       = local.releases.flux2.name
  namespace  = kubernetes_namespace_v1.this[local.flux_namespace].metadata[0].name
  repository = local.charts.flux2.repository
  chart      = local.charts.flux2.chart
  version    = local.charts.flux2.version
  wait       = true

  # values/flux2.yaml: no image automation (digests are committed by CI, tools/release).
  values = [local.chart_values.flux2]
}
