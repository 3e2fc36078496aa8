# metrics-server: the resource-metrics API (metrics.k8s.io) the CPU-based HPAs read, demo-app's and
# the demo-app-primary copy Flagger makes of it. Without it those HPAs cannot compute utilisation and
# never scale above their floor (they report FailedGetResourceMetric). EKS does not install it by
# default; the kubernetes-sigs chart is used instead of the EKS community add-on so the kind test
# installs exactly the same release (values/platform.yaml, values/metrics-server.yaml).
#
# The failover path does not depend on it: the HPA controller raises a Deployment to minReplicas
# before it looks at metrics (kubernetes pkg/controller/podautoscaler/horizontal.go: "Current number
# of replicas below Spec.MinReplicas"), so the failover controller's floor on demo-app-primary takes
# effect even while metrics are unavailable; only scaling ABOVE the floor needs metrics-server.
resource "helm_release" "metrics_server" {
  name       = local.releases.metrics_server.name
  namespace  = local.releases.metrics_server.namespace
  repository = local.charts.metrics_server.repository
  chart      = local.charts.metrics_server.chart
  version    = local.charts.metrics_server.version
  wait       = true

  values = [local.chart_values.metrics_server]
}
