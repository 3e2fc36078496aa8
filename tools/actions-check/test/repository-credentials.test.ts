/**
 * No job keeps a push-capable token where the code it runs (npm ci scripts, builds, docker) can
 * read it: every checkout leaves no credentials in .git/config, the steps that push (the pin
 * commits) get the token in their own environment only, and no install or build step ever gets it
 * (issue #11).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  env?: Record<string, unknown>;
  steps?: Step[];
}
interface Workflow {
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = join(root, '.github/workflows');
const workflows = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => ({ file: f, w: parse(readFileSync(join(dir, f), 'utf8')) as Workflow }));
const jobs = workflows.flatMap(({ file, w }) =>
  Object.entries(w.jobs).map(([name, job]) => ({ where: `${file}:${name}`, w, job })),
);
const TOKEN = /\$\{\{\s*(github\.token|secrets\.GITHUB_TOKEN)\s*\}\}/;
const holdsToken = (env: Record<string, unknown> | undefined): boolean =>
  Object.values(env ?? {}).some((v) => TOKEN.test(String(v)));

describe('workflow credentials', () => {
  it('every actions/checkout sets persist-credentials: false', () => {
    const checkouts = jobs.flatMap(({ where, job }) =>
      (job.steps ?? [])
        .filter((s) => s.uses?.startsWith('actions/checkout@'))
        .map((s) => ({ where, persist: s.with?.['persist-credentials'] })),
    );
    expect(checkouts.length).toBeGreaterThan(5);
    expect(checkouts.filter((c) => c.persist !== false).map((c) => c.where)).toEqual([]);
  });

  it('the token is never in a workflow or job environment, only in the steps that use it', () => {
    const leaks = [
      ...workflows.filter(({ w }) => holdsToken(w.env)).map(({ file }) => file),
      ...jobs.filter(({ job }) => holdsToken(job.env)).map(({ where }) => where),
    ];
    expect(leaks).toEqual([]);
  });

  it('every step that runs git push gets the token in its own env', () => {
    const pushes = jobs.flatMap(({ where, job }) =>
      (job.steps ?? [])
        .filter((s) => /\bgit\b[^\n]*\bpush\b/.test(s.run ?? ''))
        .map((s) => ({ where, s })),
    );
    expect(pushes.length).toBeGreaterThanOrEqual(3);
    expect(pushes.filter(({ s }) => !holdsToken(s.env)).map((p) => p.where)).toEqual([]);
  });

  // Installs and builds run third-party code (npm lifecycle scripts, Dockerfiles): never with the
  // token. Steps that call the project's own CLIs from the checkout may get it (GitHub API calls).
  it('no step that installs or builds (npm ci/install, a build, docker build, npx) gets the token', () => {
    const risky = /\bnpm (ci|install|i|run build)\b|\bdocker (build|buildx)\b|\bnpx\b/;
    const leaks = jobs.flatMap(({ where, job }) =>
      (job.steps ?? [])
        .filter((s) => risky.test(s.run ?? '') && holdsToken(s.env))
        .map((s) => `${where}: ${(s.run ?? '').split('\n')[0]}`),
    );
    expect(leaks).toEqual([]);
  });
});
