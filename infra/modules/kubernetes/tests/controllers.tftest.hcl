mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
}
mock_provider "helm" {}
mock_provider "kubernetes" {}

mock_provider "http" {
  mock_data "http" {
    defaults = {
      status_code   = 200
      response_body = <<-EOT
        # Gateway API experimental channel (trimmed fixture: the CRDs Contour watches)
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gatewayclasses.gateway.networking.k8s.io
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gateways.gateway.networking.k8s.io
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: httproutes.gateway.networking.k8s.io
        status:
          acceptedNames:
            kind: ""
            plural: ""
          conditions: null
          storedVersions: null
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: grpcroutes.gateway.networking.k8s.io
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: referencegrants.gateway.networking.k8s.io
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: tlsroutes.gateway.networking.k8s.io
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: tcproutes.gateway.networking.k8s.io
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: backendtlspolicies.gateway.networking.k8s.io
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: safe-upgrades.gateway.networking.k8s.io
      EOT
    }
  }
}

variables {
  cluster_name   = "prod-eu-central-1"
  aws_region     = "eu-central-1"
  vpc_id         = "vpc-0123456789abcdef0"
  git_repository = "example-org/demo-app"
  flux_path      = "./deploy/clusters/eu-central-1"

  permissions_boundary_arn = "arn:aws:iam::111111111111:policy/github-workload-boundary"
}

# infra-apply may write IAM only under "prod-" and create roles only with the workload boundary
# (modules/github-oidc): the Pod Identity roles and their policies must follow both.
run "pod_identity_roles_are_named_under_the_cluster_prefix" {
  command = plan

  assert {
    condition     = output.iam_role_names.aws_load_balancer_controller == "prod-eu-central-1-aws-lb-controller" && output.iam_role_names.cluster_autoscaler == "prod-eu-central-1-cluster-autoscaler"
    error_message = "the Pod Identity roles must be named exactly <cluster_name>-<controller> (under infra-apply's prod- prefix)"
  }

  assert {
    condition     = local.iam_name_prefix == "prod-eu-central-1-"
    error_message = "role and policy names (policy_name_prefix) must start with <cluster_name>-, not the eks-pod-identity default AmazonEKS_"
  }

  assert {
    condition     = alltrue([for n in values(output.iam_role_names) : length(n) <= 64])
    error_message = "IAM role names are at most 64 characters"
  }
}

run "rejects_a_boundary_that_is_not_a_policy_arn" {
  command = plan

  variables {
    permissions_boundary_arn = "github-workload-boundary"
  }

  expect_failures = [var.permissions_boundary_arn]
}

run "rejects_a_cluster_name_too_long_for_the_role_names" {
  command = plan

  variables {
    cluster_name = "prod-a-cluster-name-that-is-far-too-long-for-iam"
  }

  expect_failures = [var.cluster_name]
}

run "flagger_uses_gateway_api_and_its_own_prometheus" {
  command = plan

  assert {
    condition     = yamldecode(helm_release.flagger.values[0]).meshProvider == "gatewayapi:v1"
    error_message = "Flagger must use the Gateway API v1 provider"
  }

  assert {
    condition     = yamldecode(helm_release.flagger.values[0]).prometheus.install == true
    error_message = "Flagger must install its bundled Prometheus"
  }

  assert {
    condition     = helm_release.flagger.namespace == "flagger-system" && helm_release.flagger_loadtester.namespace == "flagger-system"
    error_message = "Flagger and its load tester belong in flagger-system"
  }
}

run "envoy_nlb_health_check_goes_through_to_readyz" {
  command = plan

  assert {
    condition     = yamldecode(helm_release.contour.values[1]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-path"] == "/readyz"
    error_message = "the NLB health check must hit /readyz"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[1]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] == "ip"
    error_message = "the NLB must target Envoy pods by IP"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[1]).configInline.gateway.gatewayRef.name == "contour"
    error_message = "Contour must serve the Gateway named contour"
  }
}

run "only_crds_are_applied_from_the_gateway_api_bundle" {
  command = plan

  assert {
    condition     = length(keys(kubernetes_manifest.gateway_api_crds)) == 8 && contains(keys(kubernetes_manifest.gateway_api_crds), "tlsroutes.gateway.networking.k8s.io")
    error_message = "exactly the CustomResourceDefinitions of the bundle must be applied"
  }

  assert {
    condition     = !contains(keys(kubernetes_manifest.gateway_api_crds["httproutes.gateway.networking.k8s.io"].manifest), "status")
    error_message = "the CRDs' status stanza must be stripped (kubernetes_manifest rejects it)"
  }
}

run "flux_syncs_this_regions_cluster_folder" {
  command = plan

  assert {
    condition     = yamldecode(helm_release.platform_bootstrap.values[0]).flux.path == "./deploy/clusters/eu-central-1"
    error_message = "Flux must reconcile deploy/clusters/<region>"
  }

  assert {
    condition     = yamldecode(helm_release.platform_bootstrap.values[0]).flux.url == "https://github.com/example-org/demo-app"
    error_message = "Flux must clone the repository over HTTPS"
  }
}

run "cluster_autoscaler_discovers_this_cluster" {
  command = plan

  assert {
    condition     = yamldecode(helm_release.cluster_autoscaler.values[0]).autoDiscovery.clusterName == "prod-eu-central-1"
    error_message = "the Cluster Autoscaler must discover this cluster's node groups"
  }
}

run "chart_versions_are_exact" {
  command = plan

  assert {
    condition     = alltrue([for v in values(output.chart_versions) : can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", v))])
    error_message = "every chart version must be an exact X.Y.Z"
  }
}

run "rejects_an_absolute_flux_path" {
  command = plan

  variables {
    flux_path = "/deploy/clusters/eu-central-1"
  }

  expect_failures = [var.flux_path]
}

run "contour_and_envoy_images_come_from_the_upstream_registries" {
  command = plan

  assert {
    condition     = yamldecode(helm_release.contour.values[0]).contour.image.registry == "ghcr.io" && yamldecode(helm_release.contour.values[0]).contour.image.repository == "projectcontour/contour"
    error_message = "Contour must run the upstream ghcr.io/projectcontour/contour image (Bitnami's versioned images are gone)"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[0]).envoy.image.registry == "docker.io" && yamldecode(helm_release.contour.values[0]).envoy.image.repository == "envoyproxy/envoy"
    error_message = "Envoy must run the upstream docker.io/envoyproxy/envoy image"
  }

  assert {
    condition     = alltrue([for i in ["contour", "envoy"] : can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", yamldecode(helm_release.contour.values[0])[i].image.tag))])
    error_message = "image tags must be exact vX.Y.Z releases"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[0]).global.security.allowInsecureImages == true
    error_message = "the Bitnami chart must be told to accept non-Bitnami images"
  }
}

run "cluster_autoscaler_follows_kubernetes_1_32" {
  command = plan

  assert {
    condition     = startswith(helm_release.cluster_autoscaler.version, "9.46.")
    error_message = "the 9.46.x charts ship Cluster Autoscaler 1.32.x, the cluster's Kubernetes minor"
  }
}

run "http_only_without_a_certificate" {
  command = plan

  assert {
    condition     = join(",", output.served_ports) == "80"
    error_message = "without a certificate the NLB serves HTTP on 80 only (the accelerator must not expose 443)"
  }

  assert {
    condition     = !contains(keys(yamldecode(helm_release.contour.values[1]).envoy.service.annotations), "service.beta.kubernetes.io/aws-load-balancer-ssl-cert")
    error_message = "no TLS annotation without a certificate"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[1]).envoy.service.targetPorts.https == "http"
    error_message = "the Service's 443 must go to Envoy's HTTP listener: nothing listens on Envoy's 8443"
  }

  assert {
    condition     = !contains(keys(yamldecode(helm_release.platform_bootstrap.values[0]).gateway), "tlsCertificateSecret")
    error_message = "the Gateway takes no certificate Secret: TLS ends at the NLB"
  }

  assert {
    condition     = output.client_ip_preservation_supported == true
    error_message = "without TLS the accelerator may preserve client IPs"
  }
}

run "https_terminated_at_the_nlb_with_the_regions_certificate" {
  command = plan

  variables {
    tls_certificate_arn = "arn:aws:acm:eu-central-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
  }

  assert {
    condition     = join(",", output.served_ports) == "80,443"
    error_message = "with a certificate the NLB serves 80 and 443"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[1]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"] == "arn:aws:acm:eu-central-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    error_message = "the NLB's TLS listener must use the given ACM certificate"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[1]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"] == "443"
    error_message = "only port 443 may be TLS (port 80 stays HTTP)"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[1]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-path"] == "/readyz" && yamldecode(helm_release.contour.values[1]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-port"] == "8080"
    error_message = "TLS must leave the target-group health check (HTTP 8080 /readyz) unchanged"
  }

  assert {
    condition     = output.client_ip_preservation_supported == false
    error_message = "AWS does not support client IP preservation with an NLB TLS listener"
  }
}

run "rejects_a_certificate_from_another_region" {
  command = plan

  variables {
    tls_certificate_arn = "arn:aws:acm:eu-west-2:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
  }

  expect_failures = [var.tls_certificate_arn]
}

run "rejects_a_bad_branch_name" {
  command = plan

  variables {
    git_branch = "feature/../main"
  }

  expect_failures = [var.git_branch]
}

run "rejects_a_bad_secret_name" {
  command = plan

  variables {
    git_secret_name = "Git_Credentials"
  }

  expect_failures = [var.git_secret_name]
}

# Contour v1.32.0 exits at start-up when a Gateway API CRD it watches is missing (TLSRoute, TCPRoute,
# BackendTLSPolicy are experimental-channel only): the module installs the experimental channel and
# refuses a bundle without them (projectcontour/contour cmd/contour/serve.go setupGatewayAPI).
run "installs_the_experimental_gateway_api_channel_contour_needs" {
  command = plan

  assert {
    condition     = endswith(data.http.gateway_api_crds.url, "/v1.2.1/experimental-install.yaml")
    error_message = "the Gateway API CRDs must come from the experimental channel of v1.2.1 (Contour v1.32.0 watches TLSRoute, TCPRoute, BackendTLSPolicy)"
  }
}

run "refuses_a_gateway_api_bundle_without_the_crds_contour_watches" {
  command = plan

  override_data {
    target = data.http.gateway_api_crds
    values = {
      status_code   = 200
      response_body = <<-EOT
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gateways.gateway.networking.k8s.io
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: httproutes.gateway.networking.k8s.io
      EOT
    }
  }

  expect_failures = [data.http.gateway_api_crds]
}

run "metrics_server_is_installed_for_the_hpas" {
  command = plan

  assert {
    condition     = helm_release.metrics_server.chart == "metrics-server" && helm_release.metrics_server.namespace == "kube-system"
    error_message = "metrics-server must be installed: the CPU HPAs (demo-app and demo-app-primary) read metrics.k8s.io"
  }
}

run "helm_values_come_from_the_shared_values_files" {
  command = plan

  assert {
    condition     = helm_release.flagger.values[0] == file("values/flagger.yaml") && helm_release.flagger_loadtester.values[0] == file("values/loadtester.yaml")
    error_message = "Flagger's and the load tester's values must be values/*.yaml, the files the kind test installs too"
  }

  assert {
    condition     = helm_release.flagger.version == yamldecode(file("values/platform.yaml")).charts.flagger.version
    error_message = "chart versions must come from values/platform.yaml"
  }
}
