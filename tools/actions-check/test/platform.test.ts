/**
 * Regions and repository names have one source, the Terragrunt tree (issue #20): workflows take them
 * from the preflight step's outputs (src/preflight/platform.ts reads environment.hcl and the global
 * region.hcl); where YAML cannot compute them (workflow_dispatch choices) they must agree.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hclString, platformOf } from '../src/preflight/platform.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const platform = platformOf(
  read('infra/environments/prod/environment.hcl'),
  read('infra/environments/prod/global/region.hcl'),
);

describe('platform values', () => {
  it('reads literal string attributes only, refusing an expression', () => {
    expect(hclString('locals {\n  a = "x" # note\n}', 'a', 'f')).toBe('x');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation, not a JS template
    expect(() => hclString('locals {\n  a = "${local.b}"\n}', 'a', 'f.hcl')).toThrow(
      'f.hcl: expected a literal string attribute a',
    );
    expect(() => hclString('locals {}', 'a', 'f.hcl')).toThrow('f.hcl');
  });

  it("agree with the region folders' region.hcl and the release train's order", () => {
    for (const r of [platform.primary_region, platform.standby_region]) {
      expect(hclString(read(`infra/environments/prod/${r}/region.hcl`), 'aws_region', r)).toBe(r);
    }
    const regions = read('tools/release/src/train/regions.ts');
    expect(regions).toContain(`STANDBY_REGION = '${platform.standby_region}'`);
    expect(regions).toContain(`PRIMARY_REGION = '${platform.primary_region}'`);
  });

  it('no workflow or action repeats a region or a repository name outside comments', () => {
    const files = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '--', '.github'],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\n')
      .filter((f) => /\.ya?ml$/.test(f));
    // Regions and owner/name. (The ECR repository names equal the images' own names, which also
    // name folders, Dockerfiles and local tags: where an ECR repository is meant, app-merge.yml and
    // failover-image.yml read it from the preflight.)
    const literals = [
      platform.primary_region,
      platform.standby_region,
      platform.global_region,
      platform.repository,
    ];
    const hits: string[] = [];
    for (const f of files) {
      read(f)
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/(^|\s)#.*$/, '');
          // The one place YAML cannot compute them: release-train's region choice (checked below).
          if (/^\s*options: \[/.test(code)) return;
          for (const l of literals) if (code.includes(l)) hits.push(`${f}:${i + 1} ${l}`);
        });
    }
    expect(hits).toEqual([]);
  });

  it("release-train's region choice is exactly the two workload regions", () => {
    const wf = parse(read('.github/workflows/release-train.yml')) as {
      on: { workflow_dispatch: { inputs: { region: { options: string[] } } } };
    };
    expect(wf.on.workflow_dispatch.inputs.region.options).toEqual([
      platform.primary_region,
      platform.standby_region,
    ]);
  });

  it('each workflow region read comes from the preflight step', () => {
    const uses = readdirSync(join(root, '.github/workflows'))
      .map((f) => read(`.github/workflows/${f}`))
      .join('\n')
      .match(/aws-region: .*/g);
    expect(uses?.length).toBeGreaterThan(5);
    expect([...new Set(uses)].sort()).toEqual([
      // biome-ignore-start lint/suspicious/noTemplateCurlyInString: GitHub expressions, not JS templates
      'aws-region: ${{ steps.preflight.outputs.global_region }}',
      'aws-region: ${{ steps.preflight.outputs.primary_region }}',
      'aws-region: ${{ steps.preflight.outputs.standby_region }}',
      // biome-ignore-end lint/suspicious/noTemplateCurlyInString: GitHub expressions
    ]);
  });
});
