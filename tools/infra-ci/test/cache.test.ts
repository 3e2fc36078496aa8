import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dirParseCache, gitBlobId } from '../src/cache/parse-cache.js';
import { cacheDirOption } from '../src/cli/options.js';
import { CliError } from '../src/errors.js';
import { HclParser, parserTag } from '../src/hcl/parse.js';
import { detectChanges, detectChangesAndGraph, loadUnitGraph } from '../src/index.js';
import { loadUnits } from '../src/terragrunt/load.js';
import { memoryTree } from '../src/terragrunt/tree.js';
import { E, infraTree, TempRepo } from './helpers/repo.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'infra-ci-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The one entry file of `key` under the cache folder, whatever the tag's folder. */
const entryFile = (key: string): string => {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith(`${key}.json`),
  );
  expect(files).toHaveLength(1);
  return path.join(dir, files[0] as string);
};

async function load(files: Record<string, string>, tag = parserTag()) {
  const parser = new HclParser({ cache: dirParseCache(dir, tag) });
  const { graph } = await loadUnits(memoryTree('/repo', files), E, parser);
  await parser.flush();
  return { graph, parses: parser.parses, hits: parser.cacheHits };
}

describe('persistent parse cache', () => {
  it('a warm run parses nothing and returns the same graph as a cold run and as no cache', async () => {
    const files = infraTree();
    const { graph: plain } = await loadUnits(memoryTree('/repo', files), E, new HclParser());
    const cold = await load(files);
    expect(cold.parses).toBeGreaterThan(0);
    expect(cold.hits).toBe(0);
    const warm = await load(files);
    expect(warm.parses).toBe(0);
    expect(warm.hits).toBeGreaterThan(0);
    expect(warm.graph).toEqual(cold.graph);
    expect(cold.graph).toEqual(plain);
  });

  it('ignores a corrupted entry, parses the file again and rewrites the entry', async () => {
    const files = infraTree();
    await load(files);
    const root = files[`${E}/root.hcl`] as string;
    const entry = entryFile(gitBlobId(root));
    const good = readFileSync(entry, 'utf8');
    writeFileSync(entry, good.slice(0, good.length / 2));
    const again = await load(files);
    expect(again.parses).toBeGreaterThan(0);
    expect(readFileSync(entry, 'utf8')).toBe(good);
    expect((await load(files)).parses).toBe(0);
  });

  it('ignores an entry that is valid JSON of another shape or under another key', async () => {
    const cache = dirParseCache(dir, 'tag-1');
    expect(cache.mayHaveEntries()).toBe(false);
    const a = gitBlobId('a = 1\n');
    const b = gitBlobId('b = 2\n');
    await cache.set(a, { a: 1 });
    expect(cache.mayHaveEntries()).toBe(true);
    expect(dirParseCache(dir, 'tag-2').mayHaveEntries()).toBe(false);
    await cache.set(b, { b: 2 });
    expect(await cache.get(b)).toEqual({ b: 2 });
    const fileA = entryFile(a);
    const fileB = entryFile(b);
    writeFileSync(fileB, readFileSync(fileA, 'utf8'));
    expect(await cache.get(b)).toBeUndefined();
    writeFileSync(fileA, JSON.stringify({ tag: 'tag-1', key: a, json: [1] }));
    expect(await cache.get(a)).toBeUndefined();
  });

  it('an entry written by another parser version is a miss', async () => {
    const files = infraTree();
    await load(files, 'parser@1');
    const other = await load(files, 'parser@2');
    expect(other.hits).toBe(0);
    expect(other.parses).toBeGreaterThan(0);
    expect((await load(files, 'parser@1')).hits).toBeGreaterThan(0);
  });

  it('a changed file is a miss; the unchanged files are hits', async () => {
    const files = infraTree();
    await load(files);
    const vpc = `${E}/_common/vpc.hcl`;
    const changed = { ...files, [vpc]: `${files[vpc]}\n# changed\n` };
    const warm = await load(changed);
    expect(warm.parses).toBe(1);
    expect(warm.hits).toBeGreaterThan(0);
    const { graph: plain } = await loadUnits(memoryTree('/repo', changed), E, new HclParser());
    expect(warm.graph).toEqual(plain);
  });

  it('with most files cached, a broken uncached file fails as it does without a cache', async () => {
    const files = infraTree();
    await load(files);
    const broken = { ...files, [`${E}/prod/eu-west-2/vpc/terragrunt.hcl`]: 'include "root" {\n' };
    const plain = await loadUnits(memoryTree('/repo', broken), E, new HclParser()).catch(
      (e: unknown) => e,
    );
    expect(plain).toBeInstanceOf(CliError);
    await expect(load(broken)).rejects.toThrow((plain as CliError).message);
    expect((plain as CliError).message).toContain(`${E}/prod/eu-west-2/vpc/terragrunt.hcl:`);
  });

  it('keys are git blob ids', () => {
    const repo = new TempRepo().write({ 'x.hcl': 'a = "é"\n' });
    try {
      expect(gitBlobId('a = "é"\n')).toBe(repo.git('hash-object', 'x.hcl').trim());
    } finally {
      repo.cleanup();
    }
  });
});

describe('detectChanges with a parse cache', () => {
  it('gives the same answer cold, warm and without cache, and the head graph on request', async () => {
    const repo = new TempRepo().write(infraTree());
    try {
      const base = repo.commit('base');
      repo.write({ [`${E}/_common/vpc.hcl`]: `${infraTree()[`${E}/_common/vpc.hcl`]}\n# x\n` });
      repo.commit('head');
      const opts = { repoRoot: repo.dir, base, head: 'HEAD', root: E };
      const plain = await detectChanges(opts);
      const cold = await detectChanges({ ...opts, cacheDir: dir });
      const warm = await detectChanges({ ...opts, cacheDir: dir });
      expect(cold).toEqual(plain);
      expect(warm).toEqual(plain);
      expect(plain.changed.length).toBeGreaterThan(0);
      const both = await detectChangesAndGraph({ ...opts, cacheDir: dir });
      expect(both.changes).toEqual(plain);
      expect(both.graph).toEqual(await loadUnitGraph({ repoRoot: repo.dir, root: E, ref: 'HEAD' }));
    } finally {
      repo.cleanup();
    }
  });
});

describe('cache folder option', () => {
  it('--no-cache wins; then --cache-dir (from the current folder); then the environment; then tmpdir', () => {
    expect(cacheDirOption('/w', { cache: false, cacheDir: 'c' }, '/env')).toBeUndefined();
    expect(cacheDirOption('/w', { cache: true, cacheDir: 'c' }, '/env')).toBe('/w/c');
    expect(cacheDirOption('/w', { cache: true }, '/env')).toBe('/env');
    expect(
      cacheDirOption('/w', { cache: true })?.startsWith(path.join(tmpdir(), 'infra-ci-')),
    ).toBe(true);
  });
});
