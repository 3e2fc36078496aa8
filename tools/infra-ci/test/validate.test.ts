import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryTree } from '../src/terragrunt/tree.js';
import { validateTree } from '../src/validate/run.js';
import { terraformFmtCheck } from '../src/validate/terraform.js';

const E = 'infra/environments';
const noFmt = { fmtCheck: async () => ({ unformatted: [] }) };

const UNIT = `include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path = "\${dirname(find_in_parent_folders("root.hcl"))}/_common/app.hcl"
}

dependency "net" {
  config_path = "../net"
}

inputs = {
  subnet = dependency.net.outputs.id
}
`;

function good(): Record<string, string> {
  return {
    [`${E}/root.hcl`]:
      'locals {\n  r = read_terragrunt_config(find_in_parent_folders("region.hcl"))\n}\n',
    [`${E}/_common/app.hcl`]:
      'terraform {\n  source = "../../../../modules/app"\n}\n\ninputs = {\n  name = "app"\n}\n',
    [`${E}/prod/eu-west-2/region.hcl`]: 'locals {\n  region = "eu-west-2"\n}\n',
    [`${E}/prod/eu-west-2/app/terragrunt.hcl`]: UNIT,
    [`${E}/prod/eu-west-2/net/terragrunt.hcl`]:
      'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\nterraform {\n  source = "tfr:///terraform-aws-modules/vpc/aws?version=5.21.0"\n}\n',
    'infra/modules/app/variables.tf':
      'variable "name" {\n  type = string\n}\n\nvariable "subnet" {\n  type = string\n}\n\nvariable "size" {\n  type    = number\n  default = 1\n}\n',
    'infra/modules/app/versions.tf':
      'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "5.100.0"\n    }\n  }\n}\n',
    'infra/modules/app/main.tf':
      'module "label" {\n  source  = "cloudposse/label/null"\n  version = "0.25.0"\n}\n',
    // Vendored interfaces of the pinned registry modules (infra-ci vendor-modules).
    ...vendored('terraform-aws-modules/vpc/aws/5.21.0', {
      variables: 'variable "cidr" {\n  type    = string\n  default = "10.0.0.0/16"\n}\n',
      outputs: 'output "id" {\n  value = "x"\n}\n',
      versions: PROVIDERS('>= 5.79, < 6.0.0'),
    }),
    ...vendored('cloudposse/label/null/0.25.0', {
      variables: 'variable "name" {\n  type    = string\n  default = null\n}\n',
      outputs: 'output "id" {\n  value = "x"\n}\n',
      versions: PROVIDERS('~> 5.0'),
    }),
  };
}

const PROVIDERS = (aws: string) =>
  `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "${aws}"\n    }\n  }\n}\n`;

/** The three vendored files of `address/version` under infra/vendor/modules. */
function vendored(
  at: string,
  f: { variables: string; outputs: string; versions: string },
): Record<string, string> {
  const dir = `infra/vendor/modules/${at}`;
  return {
    [`${dir}/variables.tf`]: f.variables,
    [`${dir}/outputs.tf`]: f.outputs,
    [`${dir}/versions.tf`]: f.versions,
  };
}

const validate = (files: Record<string, string>) =>
  validateTree(memoryTree('/repo', files), 'infra', noFmt);
const lines = (fs: { file: string; line: number; message: string }[]) =>
  fs.map((f) => `${f.file}:${f.line}: ${f.message}`);

describe('validateTree', () => {
  it('accepts a consistent tree', async () => {
    expect(await validate(good())).toEqual([]);
  });

  it('reports HCL that does not parse, with file:line', async () => {
    const r = lines(
      await validate({ ...good(), 'infra/modules/app/main.tf': 'module "x" {\n  source = \n}\n' }),
    );
    expect(r).toHaveLength(1);
    expect(r[0]).toMatch(/^infra\/modules\/app\/main\.tf:2: does not parse: Invalid expression/);
  });

  it('reports an include that does not resolve', async () => {
    const f = good();
    delete f[`${E}/_common/app.hcl`];
    expect(lines(await validate(f))).toEqual([
      `${E}/prod/eu-west-2/app/terragrunt.hcl:5: include "common": ${E}/_common/app.hcl does not exist`,
    ]);
  });

  it('reports a dependency config_path that is not a unit', async () => {
    const f = good();
    delete f[`${E}/prod/eu-west-2/net/terragrunt.hcl`];
    expect(lines(await validate(f))[0]).toBe(
      `${E}/prod/eu-west-2/app/terragrunt.hcl:9: dependency "net" config_path: ${E}/prod/eu-west-2/net is not a unit (no ${E}/prod/eu-west-2/net/terragrunt.hcl)`,
    );
  });

  it('reports a local terraform.source folder that does not exist', async () => {
    const f = {
      ...good(),
      [`${E}/_common/app.hcl`]: 'terraform {\n  source = "../../../../modules/nope"\n}\n',
    };
    expect(lines(await validate(f))[0]).toMatch(`${E}/_common/app.hcl:2: terraform.source`);
  });

  it('reports a read_terragrunt_config target that does not exist', async () => {
    const f = good();
    delete f[`${E}/prod/eu-west-2/region.hcl`];
    expect(lines(await validate(f))[0]).toMatch(
      `${E}/root.hcl:2: find_in_parent_folders("region.hcl")`,
    );
  });

  it('reports a cycle', async () => {
    const f = {
      ...good(),
      [`${E}/prod/eu-west-2/net/terragrunt.hcl`]: `${good()[`${E}/prod/eu-west-2/net/terragrunt.hcl`]}\ndependency "app" {\n  config_path = "../app"\n}\n`,
    };
    // At the dependency block that closes the first edge (app -> net), not line 1.
    expect(lines(await validate(f))).toContain(
      `${E}/prod/eu-west-2/app/terragrunt.hcl:9: dependency cycle: ${E}/prod/eu-west-2/app -> ${E}/prod/eu-west-2/net -> ${E}/prod/eu-west-2/app`,
    );
  });

  it("reports a cycle closed by a dependency declared in an included file at that file's line", async () => {
    const f = good();
    f[`${E}/prod/eu-west-2/app/terragrunt.hcl`] = UNIT.replace(
      'dependency "net" {\n  config_path = "../net"\n}\n',
      '',
    ).replace('dependency.net.outputs.id', '"x"');
    f[`${E}/_common/app.hcl`] =
      `# shared\n\ndependency "net" {\n  config_path = "../net"\n}\n\n${f[`${E}/_common/app.hcl`]}`;
    f[`${E}/prod/eu-west-2/net/terragrunt.hcl`] =
      `${f[`${E}/prod/eu-west-2/net/terragrunt.hcl`]}\ndependency "app" {\n  config_path = "../app"\n}\n`;
    expect(lines(await validate(f))).toEqual([
      `${E}/_common/app.hcl:3: dependency cycle: ${E}/prod/eu-west-2/app -> ${E}/prod/eu-west-2/net -> ${E}/prod/eu-west-2/app`,
    ]);
  });

  it('reports inputs the module does not declare and required variables not given', async () => {
    const f = {
      ...good(),
      [`${E}/prod/eu-west-2/app/terragrunt.hcl`]: UNIT.replace('subnet =', 'subnett ='),
    };
    expect(lines(await validate(f))).toEqual([
      `${E}/prod/eu-west-2/app/terragrunt.hcl:13: required variable "subnet" of module infra/modules/app is not set in inputs (unit or its includes)`,
      `${E}/prod/eu-west-2/app/terragrunt.hcl:14: input "subnett" is not a variable of module infra/modules/app`,
    ]);
  });

  it('reports a required variable missing from a unit without inputs at the shared inputs line', async () => {
    const f = good();
    f[`${E}/prod/eu-west-2/app/terragrunt.hcl`] = UNIT.slice(0, UNIT.indexOf('inputs = {'));
    expect(lines(await validate(f))).toEqual([
      `${E}/_common/app.hcl:5: required variable "subnet" of module infra/modules/app is not set in inputs for unit ${E}/prod/eu-west-2/app (unit or its includes)`,
    ]);
  });

  it('reports a required variable at the terraform.source line when no file sets inputs', async () => {
    const f = good();
    f[`${E}/prod/eu-west-2/app/terragrunt.hcl`] = UNIT.slice(0, UNIT.indexOf('inputs = {'));
    f[`${E}/_common/app.hcl`] = 'terraform {\n  source = "../../../../modules/app"\n}\n';
    expect(lines(await validate(f))).toEqual([
      `${E}/_common/app.hcl:2: required variable "name" of module infra/modules/app is not set in inputs for unit ${E}/prod/eu-west-2/app (unit or its includes)`,
      `${E}/_common/app.hcl:2: required variable "subnet" of module infra/modules/app is not set in inputs for unit ${E}/prod/eu-west-2/app (unit or its includes)`,
    ]);
  });

  it('reports an included file that does not parse at the include block of the reader', async () => {
    const f = { ...good(), [`${E}/_common/app.hcl`]: 'terraform {\n  source = \n}\n' };
    const r = lines(await validate(f));
    expect(r).toHaveLength(2);
    expect(r[0]).toMatch(
      new RegExp(`^${E}/_common/app\\.hcl:2: does not parse: Invalid expression`),
    );
    expect(r[1]).toBe(
      `${E}/prod/eu-west-2/app/terragrunt.hcl:5: reads ${E}/_common/app.hcl, which does not parse or is outside infra`,
    );
  });

  it('reports a read_terragrunt_config target that does not parse at the reading attribute', async () => {
    const f = { ...good(), [`${E}/prod/eu-west-2/region.hcl`]: 'locals {\n  region = \n}\n' };
    const r = lines(await validate(f));
    expect(r).toContain(
      `${E}/root.hcl:2: reads ${E}/prod/eu-west-2/region.hcl, which does not parse or is outside infra`,
    );
    expect(r.filter((l) => l.includes('which does not parse'))).toHaveLength(1);
  });

  it('reports unpinned registry modules, providers and tfr:// sources', async () => {
    const f = {
      ...good(),
      'infra/modules/app/main.tf':
        'module "label" {\n  source  = "cloudposse/label/null"\n  version = "~> 0.25"\n}\n',
      'infra/modules/app/versions.tf':
        good()['infra/modules/app/versions.tf']?.replace('"5.100.0"', '">= 5.0"') ?? '',
      [`${E}/prod/eu-west-2/net/terragrunt.hcl`]:
        'terraform {\n  source = "tfr:///terraform-aws-modules/vpc/aws"\n}\n',
    };
    expect(lines(await validate(f))).toEqual([
      // The same >= 5.0, seen by the provider-bound check (test/validate-upstream.test.ts).
      `${E}/_common/app.hcl:2: unit ${E}/prod/eu-west-2/app: provider "aws" has no upper version bound (">= 5.0" in infra/modules/app) and no committed ${E}/prod/eu-west-2/app/.terraform.lock.hcl: \`init\` would take its newest major; expected an upper bound such as "~> X.Y" or "< N.0.0" in a generated required_providers block, or the lock file`,
      `${E}/prod/eu-west-2/net/terragrunt.hcl:2: terraform.source tfr:///terraform-aws-modules/vpc/aws needs ?version=X.Y.Z`,
      'infra/modules/app/main.tf:1: module "label" (cloudposse/label/null) needs an exact version = "X.Y.Z" (got "~> 0.25")',
      'infra/modules/app/versions.tf:3: required_providers.aws needs an exact version "= X.Y.Z" (got ">= 5.0")',
      // Without exact versions these are no pins: their vendored interfaces match none.
      'infra/vendor/modules/cloudposse/label/null/0.25.0/outputs.tf:1: vendored interface no longer pinned by any unit or module; run `npm run vendor-modules -w tools/infra-ci` (it removes it)',
      'infra/vendor/modules/terraform-aws-modules/vpc/aws/5.21.0/outputs.tf:1: vendored interface no longer pinned by any unit or module; run `npm run vendor-modules -w tools/infra-ci` (it removes it)',
    ]);
  });
});

describe('validateTree --require-lock-files', () => {
  const withLocks = (files: Record<string, string>) =>
    validateTree(memoryTree('/repo', files), 'infra', noFmt, { requireLockFiles: true });

  it('reports each unit running a module without a .terraform.lock.hcl', async () => {
    const f = { ...good(), [`${E}/prod/eu-west-2/net/.terraform.lock.hcl`]: '# locks\n' };
    expect(lines(await withLocks(f))).toEqual([
      `${E}/prod/eu-west-2/app/terragrunt.hcl:1: no .terraform.lock.hcl next to this unit (create it with \`terragrunt run --all -- providers lock -platform=linux_amd64 -platform=darwin_arm64\` and commit it)`,
    ]);
  });

  it('accepts units that all have one, and is off by default', async () => {
    const f = {
      ...good(),
      [`${E}/prod/eu-west-2/net/.terraform.lock.hcl`]: '# locks\n',
      [`${E}/prod/eu-west-2/app/.terraform.lock.hcl`]: '# locks\n',
    };
    expect(await withLocks(f)).toEqual([]);
    expect(await validate(good())).toEqual([]);
  });
});

describe('validateTree fmt', () => {
  it('reports unformatted files relative to the repository root', async () => {
    const fmtCheck = async () => ({ unformatted: ['modules/app/main.tf'] });
    expect(lines(await validateTree(memoryTree('/repo', good()), 'infra', { fmtCheck }))).toEqual([
      'infra/modules/app/main.tf:1: not formatted (terraform fmt -check)',
    ]);
  });
});

describe('terraformFmtCheck (real terraform)', () => {
  it('lists unformatted files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'infra-ci-fmt-'));
    try {
      mkdirSync(path.join(dir, 'm'));
      writeFileSync(path.join(dir, 'm', 'ok.tf'), 'variable "a" {\n  type = string\n}\n');
      writeFileSync(path.join(dir, 'm', 'bad.tf'), 'variable "a" {\ntype=string\n}\n');
      // The test's cwd is not `dir`: paths must still come back relative to `dir`.
      expect(path.relative(process.cwd(), dir)).not.toBe('');
      const out = await terraformFmtCheck(dir);
      expect(out.unformatted).toEqual(['m/bad.tf']);
      expect(out.failure).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
