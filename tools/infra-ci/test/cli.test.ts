import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_MAIN } from './helpers/cli.js';
import { E, infraTree, TempRepo } from './helpers/repo.js';

// End-to-end through the built CLI (root `npm test` builds before running tests).
const MAIN = CLI_MAIN;
const P = `${E}/prod`;

let repo: TempRepo;
let base: string;
beforeEach(() => {
  repo = new TempRepo().write(infraTree());
  base = repo.commit('base');
});
afterEach(() => repo.cleanup());

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: repo.dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 20_000,
  });
}

describe('infra-ci changes (spawned)', () => {
  it('prints one JSON object with sorted arrays', () => {
    repo.write({ [`${E}/_common/eks.hcl`]: `${infraTree()[`${E}/_common/eks.hcl`]}#\n` });
    repo.commit('eks');
    const r = cli(['changes', '--base', base, '--head', 'HEAD']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      changed: [`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`],
      destroyed: [],
      moved: [],
      dependents: [`${P}/global/ga`],
      applyWaves: [[`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`]],
      destroyWaves: [],
      excluded: { plan: [], apply: [], destroy: [] },
      reasons: {
        [`${P}/eu-central-1/eks`]: `reads ${E}/_common/eks.hcl (modified)`,
        [`${P}/eu-west-2/eks`]: `reads ${E}/_common/eks.hcl (modified)`,
      },
      dependentReasons: { [`${P}/global/ga`]: `depends on ${P}/eu-central-1/eks (changed)` },
    });
  });

  it('warns on stderr about uncommitted changes under the root, which it does not see (issue #19)', () => {
    repo.write({ [`${P}/eu-west-2/vpc/terragrunt.hcl`]: '# edited, not committed\n' });
    repo.write({ [`${E}/_common/new.hcl`]: 'locals {}\n', 'README.md': 'outside the root\n' });
    const r = cli(['changes', '--base', base, '--format', 'text']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('changed (0):');
    expect(r.stderr).toContain('warning: 2 uncommitted change(s) under infra/environments');
    expect(r.stderr).toContain(`${P}/eu-west-2/vpc/terragrunt.hcl`);
    expect(r.stderr).toContain(`${E}/_common/new.hcl`);
    expect(r.stderr).not.toContain('README.md');
    expect(r.stderr).toContain('commit them to include them');
    repo.commit('now committed');
    const clean = cli(['changes', '--base', base, '--format', 'json']);
    expect(clean.stderr).toBe('');
    expect(JSON.parse(clean.stdout).reasons[`${P}/eu-west-2/vpc`]).toBe(
      `changes ${P}/eu-west-2/vpc/terragrunt.hcl (modified)`,
    );
  });

  it('--format github appends key=json lines to $GITHUB_OUTPUT, and fails without it', () => {
    const out = path.join(repo.dir, 'gh-output');
    const r = cli(['changes', '--base', base, '--format', 'github'], { GITHUB_OUTPUT: out });
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('changed=[]\n');
    const missing = cli(['changes', '--base', base, '--format', 'github']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('GITHUB_OUTPUT');
  });

  it('bad HCL: file:line and exit 2, nothing on stdout', () => {
    repo.write({ [`${P}/eu-west-2/region.hcl`]: 'locals {\n  aws_region = \n' });
    repo.commit('broken');
    const r = cli(['changes', '--base', base]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`${P}/eu-west-2/region.hcl:\\d+: `));
  });

  it('unknown ref: exit 2 naming the ref', () => {
    const r = cli(['changes', '--base', 'v9.9.9']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"v9.9.9"');
  });

  it('graph --format mermaid draws the DAG', () => {
    const r = cli(['graph', '--format', 'mermaid']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^graph TD/);
    expect(r.stdout.match(/-->/g)?.length).toBe(4);
  });
});
