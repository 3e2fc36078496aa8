import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { gitUrlOf, pinsOf, stalePins, tagsOf, tfrPin } from '../src/validate/upstream.js';
import { inProcessIo } from './helpers/cli.js';
import { E, TempRepo } from './helpers/repo.js';

describe('pins (pure)', () => {
  it('reads tfr:// sources; anything else is not a pin', () => {
    expect(tfrPin('tfr:///terraform-aws-modules/eks/aws?version=20.35.0')).toEqual({
      address: 'terraform-aws-modules/eks/aws',
      version: '20.35.0',
    });
    expect(
      tfrPin('tfr://registry.terraform.io/terraform-aws-modules/vpc/aws?version=5.21.0')?.version,
    ).toBe('5.21.0');
    expect(tfrPin('tfr:///terraform-aws-modules/vpc/aws?version=~>5.0')).toBeUndefined();
    expect(tfrPin('tfr:///terraform-aws-modules/vpc/aws')).toBeUndefined();
    expect(tfrPin('../modules/app')).toBeUndefined();
  });

  it('the git URL and tags of a registry module; stale vendored folders', () => {
    expect(
      gitUrlOf(
        'terraform-aws-modules/eks/aws',
        'https://github.com/{namespace}/terraform-{provider}-{name}.git',
      ),
    ).toBe('https://github.com/terraform-aws-modules/terraform-aws-eks.git');
    expect(tagsOf('20.35.0')).toEqual(['v20.35.0', '20.35.0']);
    const pins = [{ address: 'a/b/aws', version: '1.0.0', at: { file: 'f', line: 1 } }];
    expect(
      stalePins('infra', pins, [
        'infra/vendor/modules/a/b/aws/1.0.0/variables.tf',
        'infra/vendor/modules/a/b/aws/0.9.0/variables.tf',
        'infra/vendor/modules/README.md',
      ]),
    ).toEqual(['infra/vendor/modules/a/b/aws/0.9.0']);
  });

  it('collects unit pins and the registry calls of local modules, distinct and sorted', () => {
    const at = { file: 'u', line: 1 };
    const unit = (source: string) =>
      ({ id: 'u', source: { value: source, at } }) as unknown as Parameters<
        typeof pinsOf
      >[0][number];
    const call = {
      file: 'infra/modules/k/main.tf',
      source: 'x\nmodule "pi" {\n}\n',
      json: {
        module: {
          pi: [{ source: 'terraform-aws-modules/eks-pod-identity/aws', version: '1.12.1' }],
        },
      },
    };
    expect(
      pinsOf(
        [
          unit('tfr:///terraform-aws-modules/vpc/aws?version=5.21.0'),
          unit('tfr:///terraform-aws-modules/vpc/aws?version=5.21.0'),
        ],
        [call],
      ).map((p) => `${p.address}@${p.version}:${p.at.file}:${p.at.line}`),
    ).toEqual([
      'terraform-aws-modules/eks-pod-identity/aws@1.12.1:infra/modules/k/main.tf:2',
      'terraform-aws-modules/vpc/aws@5.21.0:u:1',
    ]);
  });
});

describe('infra-ci vendor-modules (a local git repository as the module source)', () => {
  let upstream: TempRepo;
  let repo: TempRepo;
  beforeEach(() => {
    // The module's repository: v5.21.0, then a later v5.22.0 with another variable.
    upstream = new TempRepo().write({
      'variables.tf': 'variable "name" {\n  type = string\n}\n',
      'outputs.tf': 'output "vpc_id" {\n  value = 1\n}\n',
      'versions.tf': 'terraform {\n  required_version = ">= 1.0"\n}\n',
      'main.tf': '# not vendored\n',
    });
    upstream.commit('v5.21.0');
    upstream.git('tag', 'v5.21.0');
    upstream.write({ 'variables.tf': 'variable "renamed" {\n  type = string\n}\n' }).commit('next');
    upstream.git('tag', 'v5.22.0');
    repo = new TempRepo().write({
      [`${E}/root.hcl`]: 'locals {\n  x = 1\n}\n',
      [`${E}/prod/r1/vpc/terragrunt.hcl`]:
        'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\nterraform {\n  source = "tfr:///terraform-aws-modules/vpc/aws?version=5.21.0"\n}\n',
      'infra/vendor/modules/terraform-aws-modules/vpc/aws/5.0.0/variables.tf': '# stale\n',
    });
  });
  afterEach(() => {
    upstream.cleanup();
    repo.cleanup();
  });

  const vendor = async (template: string) => {
    const { io, out } = inProcessIo(['vendor-modules', '--git-url', template], repo.dir, {
      childEnv: { PATH: process.env.PATH },
    });
    let err = '';
    const code = await run(io, (t) => {
      err += t;
    });
    return { code, out: out.stdout, err };
  };

  it("writes the pinned tag's interface files with their origin and removes versions no longer pinned", async () => {
    // A template without {namespace}/{name}/{provider}: every module maps to the one test repository.
    const r = await vendor(`${upstream.dir}/.git`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const dir = `${repo.dir}/infra/vendor/modules/terraform-aws-modules/vpc/aws/5.21.0`;
    expect(readFileSync(`${dir}/variables.tf`, 'utf8')).toBe(
      'variable "name" {\n  type = string\n}\n',
    );
    expect(readFileSync(`${dir}/outputs.tf`, 'utf8')).toContain('output "vpc_id"');
    expect(existsSync(`${dir}/main.tf`)).toBe(false);
    const commit = upstream.git('rev-parse', 'v5.21.0^{commit}').trim();
    expect(readFileSync(`${dir}/SOURCE`, 'utf8')).toBe(
      `terraform-aws-modules/vpc/aws 5.21.0\nurl ${upstream.dir}/.git\ntag v5.21.0\ncommit ${commit}\n`,
    );
    expect(existsSync(`${repo.dir}/infra/vendor/modules/terraform-aws-modules/vpc/aws/5.0.0`)).toBe(
      false,
    );
    expect(r.out).toBe(
      'vendored infra/vendor/modules/terraform-aws-modules/vpc/aws/5.21.0\nremoved infra/vendor/modules/terraform-aws-modules/vpc/aws/5.0.0 (no longer pinned)\n',
    );
  });

  it('a URL without the tag is a tool error naming the URL and version (exit 3), nothing removed', async () => {
    upstream.git('tag', '-d', 'v5.21.0');
    const r = await vendor(`${upstream.dir}/.git`);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(
      new RegExp(`cannot fetch ${upstream.dir}/.git at version 5.21.0: v5.21.0: .*; 5.21.0: `),
    );
    expect(existsSync(`${repo.dir}/infra/vendor/modules/terraform-aws-modules/vpc/aws/5.0.0`)).toBe(
      true,
    );
  });
});
