# Providers are configured by the caller (in the live tree: _common/kubernetes.hcl generates them).
provider "aws" {
  region = "eu-central-1"
}

data "aws_eks_cluster" "this" {
  name = "prod-eu-central-1"
}

data "aws_eks_cluster_auth" "this" {
  name = data.aws_eks_cluster.this.name
}

provider "kubernetes" {
  host                   = data.aws_eks_cluster.this.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.this.token
}

provider "helm" {
  kubernetes {
    host                   = data.aws_eks_cluster.this.endpoint
    cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)
    token                  = data.aws_eks_cluster_auth.this.token
  }
}

module "kubernetes" {
  source = "../../"

  cluster_name   = data.aws_eks_cluster.this.name
  aws_region     = "eu-central-1"
  vpc_id         = data.aws_eks_cluster.this.vpc_config[0].vpc_id
  git_repository = "example-org/demo-app"
  flux_path      = "./deploy/clusters/eu-central-1"

  # The github-oidc module's workload boundary (required on every role the CI apply role creates).
  permissions_boundary_arn = "arn:aws:iam::111111111111:policy/github-workload-boundary"
}
