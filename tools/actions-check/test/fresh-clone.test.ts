/**
 * A new user's (and every GitHub runner's) path: a fresh clone of the committed HEAD, exactly the
 * install commands of the root README's Quick start, then every project CLI that a README or a
 * workflow names, asked for `--help`. On a fresh clone `npm ci` links no workspace bin (their
 * `dist/` targets do not exist yet), so only calls that run from the checkout can pass.
 *
 * Bounded: one clone, one `npm ci` (from the npm cache: --prefer-offline), one build, one `--help`
 * per CLI; about a minute on an idle machine, so the timeout is generous.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { commands, execCalls, nodeDistCalls } from '../src/invocations.js';
import { sourcesOf, workspacesOf } from './support/repo-sources.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The environment of a new user's shell: no npm-script variables of the test run itself. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle|config_(?!cache$))/.test(k) || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  // Reuse the npm cache this machine already has; the commands themselves are the README's.
  return {
    ...env,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
};

/** The install line of the root README's Quick start: its first `npm ci …` line, split at `&&`. */
function installCommands(readme: string): string[][] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  if (section === undefined) throw new Error('README.md has no "## Quick start" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const line = block.split('\n').find((l) => l.trim().startsWith('npm ci'));
  if (line === undefined) throw new Error('the Quick start block has no `npm ci` line');
  const code = line.replace(/\s#.*$/, '');
  return commands(code).map((c) => c.argv);
}

describe('installCommands', () => {
  it('reads the first npm ci line of the Quick start block, comments dropped', () => {
    const md = '# x\n## Quick start\n\n```sh\nnpm ci && npm run build   # both\nnpm start\n```\n';
    expect(installCommands(md)).toEqual([
      ['npm', 'ci'],
      ['npm', 'run', 'build'],
    ]);
  });
});

describe('a fresh clone, after exactly the README install commands', () => {
  let dir = '';
  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('runs every CLI the READMEs and workflows name with --help', {
    timeout: 600_000,
  }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'fresh-clone-'));
    const clone = join(dir, 'repo');
    const { stdout: head } = await run('git', ['rev-parse', 'HEAD'], { cwd: repoRoot });
    await run('git', ['clone', '--quiet', '--no-checkout', '--no-hardlinks', repoRoot, clone]);
    await run('git', ['checkout', '--quiet', '--detach', head.trim()], { cwd: clone });

    const env = cleanEnv();
    const install = installCommands(readFileSync(join(clone, 'README.md'), 'utf8'));
    expect(install[0]).toEqual(['npm', 'ci']);
    for (const argv of install) {
      expect(argv[0], `README install command ${argv.join(' ')}`).toBe('npm');
      await run('npm', argv.slice(1), { cwd: clone, env, maxBuffer: 64 * 1024 * 1024 });
    }

    const workspaces = await workspacesOf(clone);
    const sources = sourcesOf(clone);
    const calls = nodeDistCalls(
      [...sources.workflows, ...sources.markdown],
      workspaces.map((w) => w.dir),
    );
    // Every dist file named exists after the README's build (a typo or a stale path fails here).
    const missing = calls.filter((c) => !existsSync(join(clone, c.target)));
    expect(missing.map((c) => `${c.file}:${c.line} node ${c.written}`)).toEqual([]);

    // The CLIs: named targets that are a workspace bin. Cross-check: every bin is named somewhere.
    const bins = new Map(workspaces.flatMap((w) => Object.entries(w.bins).map(([b, t]) => [t, b])));
    const clis = [...new Set(calls.map((c) => c.target))].filter((t) => bins.has(t)).sort();
    expect(clis).toEqual([...bins.keys()].sort());
    const results: string[] = [];
    // `npx --no-install BIN` / `npm exec --no-install … -- BIN` of a workspace bin, run as written.
    const binNames = new Set(bins.values());
    const viaNpm = execCalls([...sources.workflows, ...sources.markdown]).filter((c) =>
      binNames.has(c.bin),
    );
    for (const c of viaNpm) {
      const [cmd = '', ...args] = c.argv;
      const out = await run(cmd, [...args, '--help'], { cwd: clone, env, timeout: 60_000 }).then(
        () => 'ok',
        (e: Error) => `failed: ${e.message}`,
      );
      expect(`${c.file}:${c.line} ${c.argv.join(' ')} --help: ${out}`).toBe(
        `${c.file}:${c.line} ${c.argv.join(' ')} --help: ok`,
      );
    }
    for (const target of clis) {
      const out = await run('node', [target, '--help'], { cwd: clone, env, timeout: 60_000 }).then(
        (r) =>
          r.stdout.includes('Usage') || r.stdout.includes('usage') ? 'ok' : `no usage: ${r.stdout}`,
        (e: Error) => `failed: ${e.message}`,
      );
      results.push(`${bins.get(target)} (${target}): ${out}`);
    }
    expect(results).toEqual(clis.map((t) => `${bins.get(t)} (${t}): ok`));
  });
});
