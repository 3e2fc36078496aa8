provider "aws" {
  # The Global Accelerator API is served only from us-west-2.
  region = "us-west-2"
}

module "global_accelerator" {
  source = "../../"

  name = "example-demo-app"

  endpoint_groups = {
    "eu-central-1" = {
      endpoint_id             = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/primary/0123456789abcdef"
      ports                   = [80]
      traffic_dial_percentage = 100
      weight                  = 128
    }
    "eu-west-2" = {
      endpoint_id             = "arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/net/standby/0123456789abcdef"
      ports                   = [80]
      traffic_dial_percentage = 0
      weight                  = 128
    }
  }
}
