provider "aws" {
  region = "us-east-1"
}

module "primary_health_check" {
  source = "../../"

  name      = "prod-primary"
  endpoints = ["primary-nlb-0123.elb.eu-central-1.amazonaws.com"]
}
