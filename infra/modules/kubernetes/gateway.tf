# Gateway API CRDs of an exact release and channel (values/platform.yaml gateway_api), applied as
# individual objects. The experimental channel, because Contour v1.32.0 watches TLSRoute, TCPRoute and
# BackendTLSPolicy and exits at start-up when their CRDs are missing (see platform.yaml).
locals {
  gateway_api = local.platform.gateway_api
}

data "http" "gateway_api_crds" {
  url = "https://github.com/kubernetes-sigs/gateway-api/releases/download/${local.gateway_api.version}/${local.gateway_api.channel}-install.yaml"

  lifecycle {
    postcondition {
      condition     = self.status_code == 200
      error_message = "Could not download the Gateway API ${local.gateway_api.version} CRDs (${local.gateway_api.channel} channel)."
    }

    # Every CRD Contour starts an informer for must be in the bundle, or Contour exits and the Helm
    # release never becomes ready (projectcontour/contour cmd/contour/serve.go setupGatewayAPI, v1.32.0).
    postcondition {
      condition = alltrue([
        for crd in local.gateway_api.required_crds : strcontains(self.response_body, "name: ${crd}")
      ])
      error_message = "The Gateway API ${local.gateway_api.version} ${local.gateway_api.channel}-install.yaml lacks CRDs Contour watches (need all of: ${join(", ", local.gateway_api.required_crds)}); use the experimental channel."
    }
  }
}

locals {
  # <channel>-install.yaml is a multi-document YAML stream; yamldecode takes one document at a time
  # (comment-only documents decode to null and are skipped).
  gateway_api_documents = [
    for doc in split("\n---\n", "\n${data.http.gateway_api_crds.response_body}\n") :
    yamldecode(doc) if can(yamldecode(doc).kind)
  ]
}

resource "kubernetes_manifest" "gateway_api_crds" {
  for_each = {
    for m in local.gateway_api_documents : m.metadata.name => m if m.kind == "CustomResourceDefinition"
  }

  # The release's CRDs carry an empty `status` stanza, which kubernetes_manifest refuses in a manifest.
  manifest = { for k, v in each.value : k => v if k != "status" }
}

locals {
  # NLB for the Envoy Service, provisioned by the AWS Load Balancer Controller.
  #
  # Health check: HTTP on Envoy's HTTP port (8080 = Gateway listener 80 + Contour's 8000 offset for
  # privileged ports) at nlb_health_check_path (/readyz). The request goes through Envoy and the
  # HTTPRoute to the app, so a target is healthy only when Envoy AND at least one ready app pod
  # answer. Global Accelerator takes NLB endpoint health from these target groups (its own
  # endpoint-group health-check settings do not apply to NLBs). The app's HTTPRoute must not
  # restrict hostnames for this path, since the NLB sends the target IP as Host.
  envoy_service_annotations = {
    "service.beta.kubernetes.io/aws-load-balancer-type"                                = "external"
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"                     = "ip"
    "service.beta.kubernetes.io/aws-load-balancer-scheme"                              = var.nlb_scheme
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol"                = "HTTP"
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port"                    = "8080"
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path"                    = var.nlb_health_check_path
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-success-codes"           = "200"
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval"                = "10"
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout"                 = "6"
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-healthy-threshold"       = "2"
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-unhealthy-threshold"     = "2"
    "service.beta.kubernetes.io/aws-load-balancer-attributes"                          = "load_balancing.cross_zone.enabled=true"
    "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"             = "preserve_client_ip.enabled=true,deregistration_delay.timeout_seconds=30"
    "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags"            = join(",", [for k, v in var.tags : "${k}=${v}"])
    "service.beta.kubernetes.io/aws-load-balancer-manage-backend-security-group-rules" = "true"
    # HTTPS: TLS terminated at the NLB with an ACM certificate of this region, on port 443 only
    # (without ssl-ports every listener, port 80 included, would become TLS). Behind it the NLB
    # speaks plain HTTP to Envoy's HTTP port (targetPorts.https = http below), so the Gateway needs
    # no certificate Secret and both ports reach the same Gateway listener. Empty = no TLS.
    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"               = local.tls ? var.tls_certificate_arn : ""
    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports"              = local.tls ? "443" : ""
    "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy" = local.tls ? var.tls_policy : ""
  }

  tls = var.tls_certificate_arn != null

  # Ports the NLB serves to clients, and so the ports the Global Accelerator may listen on: 80
  # (HTTP) always, 443 (HTTPS) only with a certificate. The chart always renders a Service port 443;
  # without a certificate it answers plain HTTP there, and the accelerator does not expose it.
  served_ports = local.tls ? [80, 443] : [80]

  # Global Accelerator cannot preserve the client IP towards an NLB with a TLS listener ("You cannot
  # use client IP address preservation with Network Load Balancers with TLS listeners": AWS Global
  # Accelerator API reference, EndpointDescription.ClientIPPreservationEnabled). The accelerator
  # takes this output as its endpoint setting (prod/global/global-accelerator), so it follows the
  # listener instead of failing at apply time.
  client_ip_preservation_supported = !local.tls
}

resource "helm_release" "contour" {
  name       = local.releases.contour.name
  namespace  = kubernetes_namespace_v1.this[local.gateway.namespace].metadata[0].name
  repository = local.charts.contour.repository
  chart      = local.charts.contour.chart
  version    = local.charts.contour.version
  wait       = true
  timeout    = 900

  # values/contour.yaml (images, shared with the kind test) first, then what depends on this cluster.
  values = [local.chart_values.contour, yamlencode({
    # Static Gateway provisioning: this Contour serves the Gateway "contour" (platform-bootstrap chart)
    # through its own Envoy fleet.
    configInline = {
      gateway = {
        gatewayRef = {
          name      = local.gateway.name
          namespace = local.gateway.namespace
        }
      }
    }
    envoy = {
      service = {
        type        = "LoadBalancer"
        annotations = { for k, v in local.envoy_service_annotations : k => v if v != "" }
        # Both Service ports go to Envoy's HTTP listener (8080, the Gateway's port 80): TLS, when
        # enabled, is terminated at the NLB, and no Gateway listener exists behind Envoy's 8443.
        targetPorts = { http = "http", https = "http" }
      }
    }
  })]

  depends_on = [helm_release.aws_load_balancer_controller, kubernetes_manifest.gateway_api_crds]
}

# The NLB created for the Envoy Service, found by the tags the AWS Load Balancer Controller sets.
data "aws_lb" "envoy" {
  tags = {
    "elbv2.k8s.aws/cluster" = var.cluster_name
    "service.k8s.aws/stack" = "${local.gateway.namespace}/${local.envoy_service_name}"
  }

  depends_on = [helm_release.contour]
}
