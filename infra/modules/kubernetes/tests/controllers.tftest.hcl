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
        # Gateway API standard channel (trimmed fixture)
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
    condition     = yamldecode(helm_release.contour.values[0]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-path"] == "/readyz"
    error_message = "the NLB health check must hit /readyz"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[0]).envoy.service.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] == "ip"
    error_message = "the NLB must target Envoy pods by IP"
  }

  assert {
    condition     = yamldecode(helm_release.contour.values[0]).configInline.gateway.gatewayRef.name == "contour"
    error_message = "Contour must serve the Gateway named contour"
  }
}

run "only_crds_are_applied_from_the_gateway_api_bundle" {
  command = plan

  assert {
    condition     = keys(kubernetes_manifest.gateway_api_crds) == ["gateways.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io"]
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
