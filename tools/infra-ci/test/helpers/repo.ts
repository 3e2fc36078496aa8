import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throw-away git repository in a temp folder. */
export class TempRepo {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'infra-ci-'));
  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'test');
    this.git('config', 'commit.gpgsign', 'false');
  }
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8' });
  }
  write(files: Record<string, string>): this {
    for (const [f, c] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(this.dir, f)), { recursive: true });
      writeFileSync(path.join(this.dir, f), c);
    }
    return this;
  }
  remove(p: string): this {
    rmSync(path.join(this.dir, p), { recursive: true });
    return this;
  }
  move(from: string, to: string): this {
    mkdirSync(path.dirname(path.join(this.dir, to)), { recursive: true });
    renameSync(path.join(this.dir, from), path.join(this.dir, to));
    return this;
  }
  commit(msg: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', msg);
    return this.git('rev-parse', 'HEAD').trim();
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const E = 'infra/environments';

const unit = (common: string) => `include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "\${dirname(find_in_parent_folders("root.hcl"))}/_common/${common}.hcl"
  expose = true
}
`;

/** A tree shaped like this repository's infra/: root.hcl, _common, two regions + global, modules. */
export function infraTree(): Record<string, string> {
  const files: Record<string, string> = {
    [`${E}/root.hcl`]: `locals {
  region_vars = read_terragrunt_config(find_in_parent_folders("region.hcl"))
  env_vars    = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  region      = local.region_vars.locals.aws_region
}

remote_state {
  backend = "s3"
  config = {
    bucket       = "tfstate-\${local.env_vars.locals.environment}-\${local.region}"
    key          = "\${path_relative_to_include()}/terraform.tfstate"
    region       = local.region
    use_lockfile = true
  }
}
`,
    [`${E}/_common/vpc.hcl`]: `terraform {
  source = "\${get_repo_root()}/infra/modules//vpc"
}

inputs = {
  cidr = "10.0.0.0/16"
}
`,
    [`${E}/_common/eks.hcl`]: `terraform {
  source = "\${get_repo_root()}/infra/modules//eks"
}

dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id = "vpc-00000000"
  }
}

inputs = {
  vpc_id = dependency.vpc.outputs.vpc_id
}
`,
    [`${E}/_common/ga.hcl`]: `terraform {
  source = "../../../../modules/ga"
}

dependency "primary" {
  config_path = "../../eu-central-1/eks"
}

dependency "standby" {
  config_path = "../../eu-west-2/eks"
}
`,
    [`${E}/prod/environment.hcl`]: 'locals {\n  environment = "prod"\n}\n',
    [`${E}/prod/global/region.hcl`]: 'locals {\n  aws_region = "us-west-2"\n}\n',
    [`${E}/prod/global/ga/terragrunt.hcl`]: unit('ga'),
    'infra/modules/vpc/main.tf': 'resource "null_resource" "vpc" {}\n',
    'infra/modules/eks/main.tf': 'resource "null_resource" "eks" {}\n',
    'infra/modules/ga/main.tf': 'resource "null_resource" "ga" {}\n',
  };
  for (const r of ['eu-central-1', 'eu-west-2']) {
    files[`${E}/prod/${r}/region.hcl`] = `locals {\n  aws_region = "${r}"\n}\n`;
    files[`${E}/prod/${r}/vpc/terragrunt.hcl`] = unit('vpc');
    files[`${E}/prod/${r}/eks/terragrunt.hcl`] = unit('eks');
  }
  return files;
}

/** The named `_common/<name>.hcl` of infraTree() with a comment appended: a change every unit using it sees. */
export const touchedCommon = (...names: string[]): Record<string, string> =>
  Object.fromEntries(
    names.map((n) => [
      `${E}/_common/${n}.hcl`,
      `${infraTree()[`${E}/_common/${n}.hcl`]}# change\n`,
    ]),
  );

/** A PR edit (for PrFlow.openPr) touching the named `_common` files. */
export const touchCommon =
  (...names: string[]) =>
  (repo: TempRepo): void => {
    repo.write(touchedCommon(...names));
  };

/** gruntwork-style root.hcl: reads account.hcl, region.hcl and env.hcl found above the unit. */
export const GRUNTWORK_ROOT = `locals {
  account_vars = read_terragrunt_config(find_in_parent_folders("account.hcl"))
  region_vars  = read_terragrunt_config(find_in_parent_folders("region.hcl"))
  env_vars     = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  account_name = local.account_vars.locals.account_name
  aws_region   = local.region_vars.locals.aws_region
}

remote_state {
  backend = "s3"
  config = {
    bucket = "\${local.account_name}-\${local.aws_region}-tfstate"
    key    = "\${path_relative_to_include()}/terraform.tfstate"
    region = local.aws_region
  }
}

inputs = merge(
  local.account_vars.locals,
  local.region_vars.locals,
  local.env_vars.locals,
)
`;
