import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectChanges, loadUnitGraph } from '../src/index.js';
import { E, infraTree, TempRepo } from './helpers/repo.js';

let repo: TempRepo;
let cacheDir: string;
beforeEach(() => {
  repo = new TempRepo().write(infraTree());
  repo.commit('base');
  cacheDir = mkdtempSync(path.join(tmpdir(), 'infra-ci-evalcache-'));
});
afterEach(() => {
  repo.cleanup();
  rmSync(cacheDir, { recursive: true, force: true });
});

const graphAt = (cache: boolean) =>
  loadUnitGraph({
    repoRoot: repo.dir,
    root: E,
    ref: 'HEAD',
    cacheDir: cache ? cacheDir : undefined,
  });

describe('the cache of evaluated units', () => {
  it('is used only while every file read and path looked for is the same', async () => {
    const first = await graphAt(true);
    expect(readdirSync(path.join(cacheDir, 'units'))).toHaveLength(1);
    expect(await graphAt(true)).toEqual(first);
    // A nearer environment.hcl appears (root.hcl looks for it): eu-west-2's units read it now.
    const near = `${E}/prod/eu-west-2/environment.hcl`;
    repo.write({ [near]: 'locals {\n  environment = "prod"\n}\n' });
    repo.commit('nearer environment.hcl');
    const cached = await graphAt(true);
    expect(cached).toEqual(await graphAt(false));
    expect(cached.units[`${E}/prod/eu-west-2/vpc`]?.reads).toContain(near);
    expect(cached.units[`${E}/prod/eu-central-1/vpc`]?.reads).not.toContain(near);
    // A read file's content changes what the unit depends on.
    const eks = infraTree()[`${E}/_common/eks.hcl`] ?? '';
    repo.write({
      [`${E}/_common/eks.hcl`]: eks.replace(/dependency "vpc" \{[^}]*\{[^}]*\}\n\}\n/, ''),
    });
    repo.commit('no vpc dependency');
    const after = await graphAt(true);
    expect(after).toEqual(await graphAt(false));
    expect(after.units[`${E}/prod/eu-west-2/eks`]?.dependencies).toEqual([]);
  });

  it('a corrupted cache file is ignored and rewritten; answers equal the uncached ones', async () => {
    await graphAt(true);
    const [file] = readdirSync(path.join(cacheDir, 'units'));
    writeFileSync(path.join(cacheDir, 'units', file as string), '{"format": 1, "states": [');
    expect(await graphAt(true)).toEqual(await graphAt(false));
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.write({ [`${E}/_common/vpc.hcl`]: `${infraTree()[`${E}/_common/vpc.hcl`]}# x\n` });
    repo.commit('vpc');
    const opts = { repoRoot: repo.dir, base, head: 'HEAD', root: E };
    const warm = await detectChanges({ ...opts, cacheDir });
    expect(await detectChanges({ ...opts, cacheDir })).toEqual(warm);
    expect(await detectChanges(opts)).toEqual(warm);
    expect(warm.changed).toEqual([`${E}/prod/eu-central-1/vpc`, `${E}/prod/eu-west-2/vpc`]);
  });
});
