provider "aws" {
  region = "us-west-2"
}

module "github_oidc" {
  source = "../../"

  github_repository = "example-org/demo-app"
  state_bucket_arns = ["arn:aws:s3:::tfstate-111111111111-eu-central-1"]

  publishers = {
    demo-app = {
      subject              = "environment:production:ref:refs/heads/main"
      push_repository_arn  = "arn:aws:ecr:eu-central-1:111111111111:repository/demo-app"
      read_repository_arns = ["arn:aws:ecr:eu-west-2:111111111111:repository/demo-app"]
    }
  }

  # Optional: the release train's read-only role (RELEASE_READ_ROLE_ARN).
  release_reader = {
    subjects            = ["environment:release-train:ref:refs/heads/main"]
    endpoint_group_arns = ["arn:aws:globalaccelerator::111111111111:accelerator/*/listener/*/endpoint-group/*"]
  }
}
