import { describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { HclParser } from '../src/hcl/parse.js';
import { loadUnits } from '../src/terragrunt/load.js';
import { memoryTree } from '../src/terragrunt/tree.js';

const E = 'infra/environments';
const ROOT = `
locals {
  region_vars = read_terragrunt_config(find_in_parent_folders("region.hcl"))
  region      = local.region_vars.locals.region
}
remote_state {
  backend = "s3"
  config = {
    key    = "\${path_relative_to_include()}/terraform.tfstate"
    region = local.region
  }
}
`;
const COMMON_EKS = `
locals {
  env = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
}
terraform {
  source = "\${get_repo_root()}/infra/modules//eks"
}
dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = { vpc_id = "vpc-mock" }
}
inputs = {
  vpc_id      = dependency.vpc.outputs.vpc_id
  name        = "eks-\${local.env.locals.name}"
  unit_dir    = get_terragrunt_dir()
  rel         = path_relative_to_include()
}
`;
const unitWith = (common: string) => `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
include "common" {
  path   = "\${dirname(find_in_parent_folders("root.hcl"))}/_common/${common}.hcl"
  expose = true
}
`;

function files(extra: Record<string, string> = {}): Record<string, string> {
  return {
    [`${E}/root.hcl`]: ROOT,
    [`${E}/_common/eks.hcl`]: COMMON_EKS,
    [`${E}/_common/vpc.hcl`]:
      'terraform {\n  source = "../../../../modules/vpc"\n}\ninputs = { cidr = read_tfvars_file("cidr.tfvars") }\n',
    [`${E}/prod/environment.hcl`]: 'locals {\n  name = "prod"\n}\n',
    [`${E}/prod/eu-central-1/region.hcl`]:
      'locals {\n  region = "eu-central-1"\n  here = get_terragrunt_dir()\n}\n',
    [`${E}/prod/eu-central-1/vpc/terragrunt.hcl`]: unitWith('vpc'),
    [`${E}/prod/eu-central-1/vpc/cidr.tfvars`]: 'cidr = "10.0.0.0/16"\n',
    [`${E}/prod/eu-central-1/eks/terragrunt.hcl`]: unitWith('eks'),
    'infra/modules/vpc/main.tf': '',
    'infra/modules/eks/main.tf': '',
    'infra/modules/eks/variables.tf': '',
    ...extra,
  };
}

const load = (f: Record<string, string>) => loadUnits(memoryTree('/repo', f), E, new HclParser());

describe('Terragrunt path semantics', () => {
  it('resolves includes, read_terragrunt_config, dependencies and local sources from the unit folder', async () => {
    const { graph, configs } = await load(files());
    const eks = graph.units[`${E}/prod/eu-central-1/eks`];
    expect(eks?.dependencies).toEqual([`${E}/prod/eu-central-1/vpc`]);
    expect(eks?.moduleDirs).toEqual(['infra/modules/eks']);
    expect(eks?.reads).toEqual([
      `${E}/_common/eks.hcl`,
      `${E}/prod/environment.hcl`,
      `${E}/prod/eu-central-1/eks/terragrunt.hcl`,
      `${E}/prod/eu-central-1/region.hcl`,
      `${E}/root.hcl`,
      'infra/modules/eks/main.tf',
      'infra/modules/eks/variables.tf',
    ]);
    const vpc = graph.units[`${E}/prod/eu-central-1/vpc`];
    // relative terraform.source and read_tfvars_file in an included file resolve from the unit folder
    expect(vpc?.moduleDirs).toEqual(['infra/modules/vpc']);
    expect(vpc?.reads).toContain(`${E}/prod/eu-central-1/vpc/cidr.tfvars`);
    expect([...(configs.find((c) => c.id.endsWith('/eks'))?.inputs?.keys() ?? [])].sort()).toEqual([
      'name',
      'rel',
      'unit_dir',
      'vpc_id',
    ]);
  });

  it('find_in_parent_folders starts at the unit parent, never the unit folder itself', async () => {
    // A region.hcl inside the unit folder must be ignored by the root's lookup.
    const { graph } = await load(
      files({ [`${E}/prod/eu-central-1/vpc/region.hcl`]: 'locals {\n  region = "wrong"\n}\n' }),
    );
    expect(graph.units[`${E}/prod/eu-central-1/vpc`]?.reads).toContain(
      `${E}/prod/eu-central-1/region.hcl`,
    );
    expect(graph.units[`${E}/prod/eu-central-1/vpc`]?.reads).not.toContain(
      `${E}/prod/eu-central-1/vpc/region.hcl`,
    );
  });

  it('get_terragrunt_dir is the unit folder in an included file and the file folder in a read config', async () => {
    // The included file's inputs read a file next to get_terragrunt_dir() (the unit); the region.hcl
    // marks a file next to its own folder.
    const { graph } = await load(
      files({
        [`${E}/_common/eks.hcl`]: `${COMMON_EKS}\nlocals {\n  marker = mark_as_read("\${get_terragrunt_dir()}/unit.txt")\n}\n`,
        [`${E}/prod/eu-central-1/region.hcl`]: `locals {\n  region = "eu-central-1"\n  m = mark_as_read("\${get_terragrunt_dir()}/region.txt")\n}\n`,
      }),
    );
    const reads = graph.units[`${E}/prod/eu-central-1/eks`]?.reads ?? [];
    expect(reads).toContain(`${E}/prod/eu-central-1/eks/unit.txt`);
    expect(reads).toContain(`${E}/prod/eu-central-1/region.txt`);
  });

  it('path_relative_to_include is relative to the included file folder', async () => {
    const { graph } = await load(
      files({
        [`${E}/root.hcl`]: `${ROOT}\nlocals {\n  m = mark_as_read("\${path_relative_to_include()}.marker")\n}\n`,
      }),
    );
    // relative from infra/environments to the unit → "prod/eu-central-1/vpc", resolved from the unit folder
    expect(graph.units[`${E}/prod/eu-central-1/vpc`]?.reads).toContain(
      `${E}/prod/eu-central-1/vpc/prod/eu-central-1/vpc.marker`,
    );
  });

  it('names file and line for a missing include target', async () => {
    const err = await load(
      files({
        [`${E}/prod/eu-central-1/vpc/terragrunt.hcl`]: `\n\ninclude "x" {\n  path = "../nope.hcl"\n}\n`,
      }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(
      `${E}/prod/eu-central-1/vpc/terragrunt.hcl:3: include "x"`,
    );
    expect((err as CliError).exitCode).toBe(2);
  });

  it('names file and line for unparseable HCL', async () => {
    const err = await load(files({ [`${E}/_common/eks.hcl`]: 'locals {\n  a = \n' })).catch(
      (e: unknown) => e,
    );
    expect((err as CliError).message).toMatch(new RegExp(`${E}/_common/eks.hcl:\\d+: `));
    expect((err as CliError).exitCode).toBe(2);
  });
});
