# Primary region: takes all traffic (Global Accelerator dial 100) and runs at full capacity.
locals {
  aws_region = "eu-central-1"
  dr_role    = "primary"

  vpc_cidr = "10.10.0.0/16"
  azs      = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]

  # Node group sizing. max_size is identical in both regions so the standby can absorb the
  # primary's full load after a failover.
  node_group = {
    instance_types = ["m6i.large"]
    min_size       = 3
    desired_size   = 3
    max_size       = 9
  }

  # Global Accelerator endpoint group settings for this region.
  traffic_dial_percentage = 100

  # HTTPS at the NLB: the ARN of an ACM certificate IN THIS REGION for the app's hostname (both
  # regions need one, for the same name: the accelerator only exposes a port every region serves).
  # null = HTTP on port 80 only, which is what the default deployment serves. See
  # infra/docs/https.md.
  tls_certificate_arn = null
}
