provider "aws" {
  region = "eu-west-2"
}

module "failover_iam" {
  source = "../../"

  cluster_name               = "prod-eu-west-2"
  primary_endpoint_group_arn = "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdef00/listener/0123abcd/endpoint-group/aaaa000011112222"
  standby_endpoint_group_arn = "arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdef00/listener/0123abcd/endpoint-group/bbbb000011112222"
}
