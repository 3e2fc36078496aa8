import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fsTree, memoryTree } from '../src/terragrunt/tree.js';
import { existing } from '../src/validate/interfaces.js';
import { hasUpperBound } from '../src/validate/providers.js';
import { validateTree } from '../src/validate/run.js';

const E = 'infra/environments';
const V = 'infra/vendor/modules/terraform-aws-modules';
const noFmt = { fmtCheck: async () => ({ unformatted: [] }) };
const INC = `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n`;
const req = (ps: Record<string, string>) =>
  `terraform {\n  required_providers {\n${Object.entries(ps)
    .map(
      ([p, v]) => `    ${p} = {\n      source  = "hashicorp/${p}"\n      version = "${v}"\n    }\n`,
    )
    .join('')}  }\n}\n`;
const GENERATE = `generate "versions" {\n  path      = "versions_override.tf"\n  if_exists = "overwrite_terragrunt"\n  contents  = <<-EOT\n${req({ aws: '~> 5.83', tls: '~> 4.0' })}  EOT\n}\n`;

/**
 * vpc and eks units on pinned registry modules (vendored), a k8s unit on a local module; eks
 * reads the vpc's outputs, k8s the eks's. Consistent as given.
 */
function tree(): Record<string, string> {
  return {
    [`${E}/root.hcl`]: `locals {\n  x = 1\n}\n\n${GENERATE}`,
    [`${E}/_common/eks.hcl`]: `terraform {
  source = "tfr:///terraform-aws-modules/eks/aws?version=20.35.0"
}

dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id          = "vpc-0"
    private_subnets = ["subnet-0"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]
}

inputs = {
  cluster_name = "c"
  vpc_id       = dependency.vpc.outputs.vpc_id
  # dependency.vpc.outputs.in_a_comment is not a reference
  subnet_ids = dependency.vpc.outputs.private_subnets
}
`,
    [`${E}/prod/r1/vpc/terragrunt.hcl`]: `${INC}\nterraform {\n  source = "tfr:///terraform-aws-modules/vpc/aws?version=5.21.0"\n}\n\ninputs = {\n  name = "v"\n}\n`,
    [`${E}/prod/r1/eks/terragrunt.hcl`]: `${INC}\ninclude "common" {\n  path = "\${dirname(find_in_parent_folders("root.hcl"))}/_common/eks.hcl"\n}\n`,
    [`${E}/prod/r1/k8s/terragrunt.hcl`]: `${INC}\nterraform {\n  source = "\${dirname(find_in_parent_folders("root.hcl"))}/../modules/k8s"\n}\n\ndependency "eks" {\n  config_path = "../eks"\n}\n\ninputs = {\n  cluster_name = dependency.eks.outputs.cluster_name\n}\n`,
    'infra/modules/k8s/variables.tf': 'variable "cluster_name" {\n  type = string\n}\n',
    'infra/modules/k8s/versions.tf': req({ aws: '5.100.0' }),
    [`${V}/vpc/aws/5.21.0/variables.tf`]:
      'variable "name" {\n  type = string\n}\n\nvariable "cidr" {\n  type    = string\n  default = "10.0.0.0/16"\n}\n',
    [`${V}/vpc/aws/5.21.0/outputs.tf`]:
      'output "vpc_id" {\n  value = 1\n}\n\noutput "private_subnets" {\n  value = 1\n}\n',
    [`${V}/vpc/aws/5.21.0/versions.tf`]: req({ aws: '>= 5.79' }),
    [`${V}/eks/aws/20.35.0/variables.tf`]:
      'variable "cluster_name" {\n  type = string\n}\n\nvariable "vpc_id" {\n  type    = string\n  default = null\n}\n\nvariable "subnet_ids" {\n  type    = list(string)\n  default = []\n}\n',
    [`${V}/eks/aws/20.35.0/outputs.tf`]: 'output "cluster_name" {\n  value = 1\n}\n',
    [`${V}/eks/aws/20.35.0/versions.tf`]: req({ aws: '>= 5.83', tls: '>= 3.0' }),
  };
}

const run = async (files: Record<string, string>) =>
  (await validateTree(memoryTree('/repo', files), 'infra', noFmt)).map(
    (f) => `${f.file}:${f.line}: ${f.message}`,
  );
const edit = (files: Record<string, string>, file: string, from: string, to: string) => {
  const text = files[file] ?? '';
  if (!text.includes(from)) throw new Error(`fixture ${file} lacks ${from}`);
  return { ...files, [file]: text.replace(from, to) };
};

describe('validate against the vendored interfaces of pinned modules', () => {
  it('accepts a consistent tree', async () => {
    expect(await run(tree())).toEqual([]);
  });

  it('an input the pinned module does not declare, and a required variable not set', async () => {
    const f = edit(
      tree(),
      `${E}/_common/eks.hcl`,
      '  cluster_name = "c"\n',
      '  cluster_nme = "c"\n',
    );
    expect(await run(f)).toEqual([
      `${E}/_common/eks.hcl:14: unit ${E}/prod/r1/eks: required variable "cluster_name" of terraform-aws-modules/eks/aws 20.35.0 is not set in inputs (unit or its includes)`,
      `${E}/_common/eks.hcl:15: unit ${E}/prod/r1/eks: input "cluster_nme" is not a variable of terraform-aws-modules/eks/aws 20.35.0 (vendored variables.tf; it has cluster_name, subnet_ids, vpc_id)`,
    ]);
  });

  it('a dependency output the upstream pinned module does not declare', async () => {
    const f = edit(
      tree(),
      `${E}/_common/eks.hcl`,
      'outputs.private_subnets',
      'outputs.private_subnet_ids',
    );
    expect(await run(f)).toEqual([
      `${E}/_common/eks.hcl:18: unit ${E}/prod/r1/eks: dependency.vpc.outputs.private_subnet_ids: ${E}/prod/r1/vpc runs terraform-aws-modules/vpc/aws 5.21.0, which has no output "private_subnet_ids" (it has private_subnets, vpc_id)`,
    ]);
  });

  it('a dependency output of a unit on a pinned module read by a local-module unit, and an unknown dependency name', async () => {
    let f = edit(tree(), `${E}/prod/r1/k8s/terragrunt.hcl`, 'outputs.cluster_name', 'outputs.name');
    expect(await run(f)).toEqual([
      `${E}/prod/r1/k8s/terragrunt.hcl:14: unit ${E}/prod/r1/k8s: dependency.eks.outputs.name: ${E}/prod/r1/eks runs terraform-aws-modules/eks/aws 20.35.0, which has no output "name" (it has cluster_name)`,
    ]);
    f = edit(tree(), `${E}/prod/r1/k8s/terragrunt.hcl`, 'dependency.eks.', 'dependency.cluster.');
    expect((await run(f))[0]).toMatch(
      /k8s\/terragrunt.hcl:14: unit .*\/k8s: dependency.cluster.outputs.cluster_name names no dependency block "cluster" of the unit \(it has "eks"\)/,
    );
  });

  it('mock outputs: a referenced output missing from them, and a key that is no output of the upstream', async () => {
    let f = edit(tree(), `${E}/_common/eks.hcl`, '    private_subnets = ["subnet-0"]\n', '');
    expect(await run(f)).toEqual([
      `${E}/_common/eks.hcl:17: unit ${E}/prod/r1/eks: dependency.vpc.outputs.private_subnets: the mock_outputs of dependency "vpc" have no "private_subnets" (they have vpc_id), so a plan before ${E}/prod/r1/vpc is applied fails; add it to mock_outputs`,
    ]);
    f = edit(
      tree(),
      `${E}/_common/eks.hcl`,
      'private_subnets = ["subnet-0"]',
      'private_subnet_ids = ["subnet-0"]',
    );
    expect(await run(f)).toEqual([
      `${E}/_common/eks.hcl:5: unit ${E}/prod/r1/eks: mock_outputs key "private_subnet_ids" of dependency "vpc" is not an output of terraform-aws-modules/vpc/aws 5.21.0 (run by ${E}/prod/r1/vpc; it has private_subnets, vpc_id)`,
      expect.stringMatching(
        /eks.hcl:18: .*dependency.vpc.outputs.private_subnets: the mock_outputs of dependency "vpc" have no "private_subnets"/,
      ),
    ]);
  });

  it('a vendored interface nothing pins any more', async () => {
    const f = {
      ...tree(),
      [`${V}/vpc/aws/5.0.0/SOURCE`]: 'x\n',
      [`${V}/vpc/aws/5.0.0/variables.tf`]: '',
    };
    expect(await run(f)).toEqual([
      `${V}/vpc/aws/5.0.0/SOURCE:1: vendored interface no longer pinned by any unit or module; run \`npm run vendor-modules -w tools/infra-ci\` (it removes it)`,
    ]);
  });

  it('a pin whose interface is not vendored', async () => {
    const f = edit(tree(), `${E}/_common/eks.hcl`, 'version=20.35.0', 'version=20.37.1');
    const r = await run(f);
    expect(r).toContain(
      `${E}/_common/eks.hcl:2: unit ${E}/prod/r1/eks: terraform.source pins terraform-aws-modules/eks/aws 20.37.1, whose interface is not vendored (expected ${V}/eks/aws/20.37.1/variables.tf, outputs.tf, versions.tf); run \`npm run vendor-modules -w tools/infra-ci\``,
    );
  });

  it('a provider without an upper bound anywhere and no lock file (the generated required_providers bound them)', async () => {
    const f = { ...tree(), [`${E}/root.hcl`]: 'locals {\n  x = 1\n}\n' };
    const r = await run(f);
    expect(r).toEqual([
      `${E}/_common/eks.hcl:2: unit ${E}/prod/r1/eks: provider "aws" has no upper version bound (">= 5.83" in terraform-aws-modules/eks/aws 20.35.0 versions.tf (vendored)) and no committed ${E}/prod/r1/eks/.terraform.lock.hcl: \`init\` would take its newest major; expected an upper bound such as "~> X.Y" or "< N.0.0" in a generated required_providers block, or the lock file`,
      expect.stringMatching(
        /^infra\/environments\/_common\/eks.hcl:2: unit .*\/eks: provider "tls" has no upper version bound \(">= 3.0" in/,
      ),
      expect.stringMatching(
        /^infra\/environments\/prod\/r1\/vpc\/terragrunt.hcl:6: unit .*\/vpc: provider "aws" has no upper version bound \(">= 5.79" in/,
      ),
    ]);
    // A committed lock file is the other way to fix the versions.
    const locked = {
      ...f,
      [`${E}/prod/r1/eks/.terraform.lock.hcl`]: '# locks\n',
      [`${E}/prod/r1/vpc/.terraform.lock.hcl`]: '# locks\n',
    };
    expect(await run(locked)).toEqual([]);
    // "~> 5" allows every later major: not a bound.
    const loose = edit(tree(), `${E}/root.hcl`, '~> 5.83', '~> 5');
    expect((await run(loose)).filter((l) => l.includes('provider "aws"'))).toHaveLength(2);
  });

  it('messages list the names that exist: all when few, else the count and the closest', () => {
    expect(existing(['b', 'a'], 'x')).toBe('a, b');
    expect(existing([], 'x')).toBe('none');
    const many = [
      'vpc_id',
      'vpc_arn',
      'private_subnets',
      'private_subnets_cidr_blocks',
      'public_subnets',
      'azs',
      'name',
      'igw_id',
      'nat_ids',
    ];
    expect(existing(many, 'private_subnet_ids')).toBe(
      '9 of them; closest: private_subnets, private_subnets_cidr_blocks, public_subnets',
    );
  });

  it('hasUpperBound reads Terraform constraint syntax', () => {
    for (const c of [
      '5.100.0',
      '= 5.100.0',
      '< 6.0.0',
      '>= 5.83, < 6.0.0',
      '~> 5.83',
      '~> 5.83.1',
      '<= 5.99',
    ])
      expect(hasUpperBound(c), c).toBe(true);
    for (const c of ['>= 5.83', '~> 5', '!= 6.0.0', '', '>= 3.0, != 4.0.0'])
      expect(hasUpperBound(c), c).toBe(false);
  });
});

describe('the real infra tree', () => {
  it('passes every check: inputs, dependency outputs, mocks, vendoring, provider bounds', async () => {
    const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
    const findings = await validateTree(await fsTree(repo), 'infra', noFmt);
    expect(findings).toEqual([]);
  });
});
