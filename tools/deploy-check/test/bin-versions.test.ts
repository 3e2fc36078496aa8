import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Every bin of every workspace (root package.json "workspaces", each package.json "bin") answers
// `--version` with its package's version and exits 0. Runs the built bins (npm run build first).

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

interface Pkg {
  version?: string;
  workspaces?: string[];
  bin?: Record<string, string>;
}
const readPkg = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Pkg;

/** Workspace folders of the root package.json (plain paths and `dir/*` globs). */
function workspaces(): string[] {
  return (readPkg('.').workspaces ?? []).flatMap((w) => {
    if (!w.endsWith('/*')) return [w];
    const parent = w.slice(0, -2);
    return readdirSync(join(ROOT, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(ROOT, parent, e.name, 'package.json')))
      .map((e) => `${parent}/${e.name}`);
  });
}

const bins = workspaces().flatMap((ws) => {
  const pkg = readPkg(ws);
  return Object.entries(pkg.bin ?? {}).map(([name, file]) => ({
    name,
    file: join(ROOT, ws, file),
    version: pkg.version ?? '',
  }));
});

describe('--version on every CLI', () => {
  it('finds the bins (infra-ci, deploy-check, failover, set-image-digest, release, ...)', () => {
    expect(bins.map((b) => b.name)).toEqual(
      expect.arrayContaining([
        'infra-ci',
        'deploy-check',
        'failover',
        'set-image-digest',
        'release',
      ]),
    );
  });

  it.each(bins)('$name --version prints its package version and exits 0', async (bin) => {
    expect(existsSync(bin.file), `${bin.file} is missing: npm run build first`).toBe(true);
    const { stdout } = await run(process.execPath, [bin.file, '--version'], {
      cwd: ROOT,
      timeout: 15_000,
    });
    expect(bin.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(stdout.trim()).toBe(bin.version);
  });
});
