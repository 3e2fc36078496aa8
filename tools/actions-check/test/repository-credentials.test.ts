/**
 * No job keeps a push-capable token where the code it runs (npm ci scripts, builds, docker) can
 * read it: every checkout leaves no credentials in .git/config, the steps that push (the pin
 * commits) get the token in their own environment only, and no install or build step ever gets it
 * (issue #11). The steps of the local composite actions count as the steps of the job that uses
 * them, with the inputs the job passes (src/credentials.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type CompositeAction,
  expandSteps,
  exposesToken,
  holdsToken,
  type Step,
} from '../src/credentials.js';

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
// The local composite actions, by the key a `uses: ./.github/actions/<name>` step resolves to.
const actionsDir = join(root, '.github/actions');
const actions = new Map(
  readdirSync(actionsDir).map((name) => [
    `.github/actions/${name}`,
    parse(readFileSync(join(actionsDir, name, 'action.yml'), 'utf8')) as CompositeAction,
  ]),
);
// Every step that runs, the composites' own steps included (their inputs as the caller passes them).
const steps = jobs.flatMap(({ where, job }) => expandSteps(where, job.steps ?? [], actions));

describe('workflow credentials', () => {
  it('every actions/checkout sets persist-credentials: false', () => {
    const checkouts = steps
      .filter(({ step }) => step.uses?.startsWith('actions/checkout@'))
      .map(({ where, step }) => ({ where, persist: step.with?.['persist-credentials'] }));
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

  it('every step that pushes (git push, release push-pin) gets the token in its own env', () => {
    const pushes = steps.filter(({ step }) =>
      /\bgit\b[^\n]*\bpush\b|release\.js push-pin\b/.test(step.run ?? ''),
    );
    expect(pushes.length).toBeGreaterThanOrEqual(3);
    expect(pushes.filter(({ step }) => !holdsToken(step.env)).map((p) => p.where)).toEqual([]);
  });

  // Installs and builds run third-party code (npm lifecycle scripts, Dockerfiles): never with the
  // token. Steps that call the project's own CLIs from the checkout may get it (GitHub API calls).
  it('no step that installs or builds (npm ci/install, a build, docker build, npx) gets the token', () => {
    const risky = /\bnpm (ci|install|i|run build)\b|\bdocker (build|buildx)\b|\bnpx\b/;
    const leaks = steps
      .filter(({ step }) => risky.test(step.run ?? '') && exposesToken(step))
      .map(({ where, step }) => `${where}: ${(step.run ?? '').split('\n')[0]}`);
    expect(leaks).toEqual([]);
  });

  // A token written into a script lands in the script file on the runner: env only.
  it('no script has the token written into it', () => {
    const inScript = steps.filter(({ step }) => exposesToken({ run: step.run ?? '' }));
    expect(inScript.map(({ where }) => where)).toEqual([]);
  });
});
