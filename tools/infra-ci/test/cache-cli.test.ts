import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_MAIN } from './helpers/cli.js';
import { E, infraTree, TempRepo } from './helpers/repo.js';

// End-to-end through the built CLI (root `npm test` builds before running tests).
const MAIN = CLI_MAIN;

let repo: TempRepo;
let cache: string;
let base: string;
beforeEach(() => {
  repo = new TempRepo().write(infraTree());
  base = repo.commit('base');
  repo.write({ [`${E}/_common/eks.hcl`]: `${infraTree()[`${E}/_common/eks.hcl`]}#\n` });
  repo.commit('eks');
  cache = mkdtempSync(path.join(tmpdir(), 'infra-ci-cli-cache-'));
});
afterEach(() => {
  repo.cleanup();
  rmSync(cache, { recursive: true, force: true });
});

function changes(...extra: string[]) {
  return changesWithEnv({}, ...extra);
}

function changesWithEnv(env: Record<string, string>, ...extra: string[]) {
  const r = spawnSync(
    process.execPath,
    [MAIN, 'changes', '--base', base, '--head', 'HEAD', ...extra],
    {
      cwd: repo.dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 20_000,
    },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const entries = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));

describe('infra-ci changes --cache-dir (spawned)', () => {
  it('--no-cache writes nothing; a run fills the cache, and answers the same from it and over corrupted entries', () => {
    const dir = path.join(cache, 'c');
    const plain = changes('--no-cache', '--cache-dir', dir);
    expect(existsSync(dir)).toBe(false);
    expect(changes('--cache-dir', dir)).toBe(plain);
    const written = entries(dir);
    expect(written.length).toBeGreaterThan(5);
    expect(changes('--cache-dir', dir)).toBe(plain);
    for (const f of written) writeFileSync(path.join(dir, f), '{"tag": "x"');
    expect(changes('--cache-dir', dir)).toBe(plain);
    expect(entries(dir).sort()).toEqual([...written].sort());
    for (const f of written.filter((x) => x.startsWith('hcl'))) {
      const entry = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { key?: string };
      expect(f.endsWith(`${entry.key}.json`)).toBe(true);
    }
    // The cache of evaluated units (one file) was rewritten whole over the corrupted one.
    const units = written.filter((x) => x.startsWith('units'));
    expect(units).toHaveLength(1);
    const data = JSON.parse(readFileSync(path.join(dir, units[0] as string), 'utf8')) as {
      units: Record<string, unknown>;
    };
    expect(Object.keys(data.units).length).toBeGreaterThan(0);
  });

  it('takes the folder from $INFRA_CI_CACHE_DIR, else $XDG_CACHE_HOME/infra-ci; --cache-dir wins', () => {
    const fromVar = path.join(cache, 'var');
    const xdg = path.join(cache, 'xdg');
    const flag = path.join(cache, 'flag');
    const plain = changesWithEnv({ INFRA_CI_CACHE_DIR: fromVar, XDG_CACHE_HOME: xdg });
    expect(entries(fromVar).length).toBeGreaterThan(5);
    expect(existsSync(xdg)).toBe(false);
    expect(changesWithEnv({ XDG_CACHE_HOME: xdg })).toBe(plain);
    expect(entries(path.join(xdg, 'infra-ci')).length).toBeGreaterThan(5);
    expect(changesWithEnv({ INFRA_CI_CACHE_DIR: fromVar }, '--cache-dir', flag)).toBe(plain);
    expect(entries(flag).length).toBeGreaterThan(5);
  });
});
