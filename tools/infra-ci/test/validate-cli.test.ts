import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_MAIN } from './helpers/cli.js';
import { TempRepo } from './helpers/repo.js';

// `infra-ci validate` through the built CLI (root `npm test` builds before running tests), with the
// real terraform for fmt -check.

const TREE: Record<string, string> = {
  'infra/environments/root.hcl': 'locals {\n  x = 1\n}\n',
  'infra/environments/prod/app/terragrunt.hcl':
    'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\nterraform {\n  source = "../../../modules/app"\n}\n\ninputs = {\n  name = "app"\n}\n',
  'infra/modules/app/variables.tf': 'variable "name" {\n  type = string\n}\n',
  'infra/modules/app/main.tf': 'locals {\n  n = var.name\n}\n',
};
const UNFORMATTED = 'locals {\nn=var.name\n}\n';

let repo: TempRepo;
beforeEach(() => {
  repo = new TempRepo().write(TREE);
  repo.commit('base');
});
afterEach(() => repo.cleanup());

function validate(cwd: string, args: string[], PATH = process.env.PATH ?? '') {
  return spawnSync(process.execPath, [CLI_MAIN, 'validate', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH },
    timeout: 20_000,
  });
}

describe('infra-ci validate (spawned)', () => {
  it('passes a valid tree', () => {
    const r = validate(repo.dir, []);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('infra-ci validate: infra OK\n');
    expect(r.status).toBe(0);
  });

  it('names unformatted files relative to the repository root, whatever the cwd and --root', () => {
    repo.write({ 'infra/modules/app/main.tf': UNFORMATTED });
    const want = 'infra/modules/app/main.tf:1: not formatted (terraform fmt -check)\n';
    for (const [cwd, root] of [
      [repo.dir, 'infra'],
      [repo.dir, undefined],
      [path.join(repo.dir, 'infra/environments'), '..'],
      [path.join(repo.dir, 'infra/modules/app'), '../..'],
    ] as const) {
      const r = validate(cwd, root === undefined ? [] : ['--root', root]);
      expect(r.stdout, `cwd ${cwd} --root ${root}`).toBe(want);
      expect(r.status).toBe(1);
    }
  });

  it('exits 3 naming terraform when it is not on PATH (never skips fmt)', () => {
    // A PATH holding git only: the tree is still read, then fmt -check cannot run.
    const bin = mkdtempSync(path.join(tmpdir(), 'infra-ci-path-'));
    try {
      const git = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      symlinkSync(git, path.join(bin, 'git'));
      const r = validate(repo.dir, ['--root', 'infra'], bin);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain('terraform is not installed (not found on PATH)');
      expect(r.stdout).toBe('');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
