# Standby region (warm standby): the full stack runs at reduced capacity and takes traffic only when
# the primary endpoint group is unhealthy (Global Accelerator dial 0), or when the failover
# controller pins the dials after a confirmed failover.
locals {
  aws_region = "eu-west-2"
  dr_role    = "standby"

  vpc_cidr = "10.20.0.0/16"
  azs      = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]

  # Warm standby: small min/desired, the SAME max as the primary, so the failover controller (via the
  # -primary HPA and the node autoscaler) can scale up to full capacity without an infra change.
  node_group = {
    instance_types = ["m6i.large"]
    min_size       = 1
    desired_size   = 1
    max_size       = 9
  }

  traffic_dial_percentage = 0

  # HTTPS at the NLB: the ARN of an ACM certificate IN THIS REGION for the app's hostname (both
  # regions need one, for the same name: the accelerator only exposes a port every region serves).
  # null = HTTP on port 80 only, which is what the default deployment serves. See
  # infra/docs/https.md.
  tls_certificate_arn = null
}
