# Global resources: Global Accelerator's API is served only from us-west-2, so the accelerator and
# the account-wide IAM (GitHub OIDC) live here with their own state bucket in us-west-2.
locals {
  aws_region = "us-west-2"
  dr_role    = "global"
}
