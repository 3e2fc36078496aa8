/**
 * PR → plan artifact → merge → apply through the built CLI, the real GitHub client and the local
 * GitHub server: what the workflows do, minus Actions. Terragrunt is the stand-in.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactName } from '../src/plan/bundle.js';
import { E, infraTree, TempRepo } from './helpers/repo.js';
import { type GitHubServer, startGitHubServer } from './support/github-server.js';
import { Standin } from './support/terragrunt-standin/index.js';

// Built by root `npm test` before the tests run (as in cli.test.ts).
const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist/cli/main.js');
const PR = 7;
const RUN_ID = 900;
const WORKFLOW_ID = 31;
const PLAN_MARKER = '<!-- infra-ci:plan -->';

let server: GitHubServer;
let repo: TempRepo;
let standin: Standin;
let tmp: string;

beforeEach(async () => {
  server = await startGitHubServer();
  repo = new TempRepo().write(infraTree());
  standin = new Standin();
  tmp = mkdtempSync(path.join(tmpdir(), 'infra-ci-e2e-'));
});
afterEach(async () => {
  await server.close();
  repo.cleanup();
  standin.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child (async: the GitHub server runs in this process). */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: repo.dir,
      env: {
        ...standin.env(),
        GITHUB_API_URL: server.url,
        GITHUB_TOKEN: server.token,
        GITHUB_REPOSITORY: server.repository,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Every file under `dir`, relative, with its bytes: what upload-artifact would zip. */
function filesUnder(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const abs = path.join(e.parentPath, e.name);
    out[path.relative(dir, abs).split(path.sep).join('/')] = new Uint8Array(readFileSync(abs));
  }
  return out;
}

/** A PR changing the vpc units, planned by the CLI as infra-pr.yml runs it; then merged. */
async function planAndMerge(rerun = false): Promise<{ head: string; merge: string }> {
  const base = repo.commit('base');
  repo.git('checkout', '-q', '-b', 'pr');
  repo.write({ [`${E}/_common/vpc.hcl`]: `${infraTree()[`${E}/_common/vpc.hcl`]}# change\n` });
  const head = repo.commit('pr change');
  const event = path.join(tmp, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: PR, head: { sha: head } } }));
  const plans = path.join(tmp, 'plans');
  const summary = path.join(tmp, 'pr-summary.md');
  const planEnv = { GITHUB_EVENT_PATH: event, GITHUB_STEP_SUMMARY: summary };
  const args = ['plan', '--base', 'main', '--comment', '--out', plans];

  const first = await cli(args, planEnv);
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  // A re-run of the same head updates the one comment.
  if (rerun) expect((await cli(args, planEnv)).status).toBe(0);
  const comments = server.comments(PR);
  expect(comments).toHaveLength(1);
  expect(comments[0]?.body).toContain(PLAN_MARKER);
  expect(comments[0]?.body).toContain('eu-central-1/vpc');
  expect(readFileSync(summary, 'utf8')).toContain('eu-west-2/vpc');

  // What upload-artifact does with `path: .infra-ci/plans`, and what GitHub then knows.
  server.addArtifact({
    name: artifactName(head),
    headSha: head,
    runId: 500,
    files: filesUnder(plans),
  });
  repo.git('checkout', '-q', 'main');
  repo.git('merge', '-q', '--no-ff', '-m', 'merge pr', 'pr');
  const merge = repo.git('rev-parse', 'HEAD').trim();
  server.addPull({ number: PR, headSha: head, baseSha: base, mergeCommitSha: merge });
  return { head, merge };
}

describe('PR plan → artifact → merge apply, through the GitHub API', () => {
  it('applies the downloaded plans and reports them in the job summary', async () => {
    const { head, merge } = await planAndMerge(true);
    server.addRun({
      id: RUN_ID,
      status: 'in_progress',
      createdAt: '2026-11-27T10:00:00Z',
      workflowId: WORKFLOW_ID,
    });
    const summary = path.join(tmp, 'merge-summary.md');

    const r = await cli(['apply', '--merge-commit', merge, '--work', path.join(tmp, 'work')], {
      GITHUB_RUN_ID: String(RUN_ID),
      GITHUB_STEP_SUMMARY: summary,
    });

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('eu-central-1/vpc');
    expect(md).toContain(head.slice(0, 7));
    // The downloaded plan files were applied.
    const applies = standin.calls(repo.dir).filter((c) => c.startsWith('apply '));
    expect(applies.sort()).toEqual([
      `apply ${E}/prod/eu-central-1/vpc`,
      `apply ${E}/prod/eu-west-2/vpc`,
    ]);
    // ...from the plan files downloaded out of the artifact.
    const planFiles = standin
      .events()
      .filter((e) => !e.end && e.tool === 'terragrunt' && e.args[0] === 'apply')
      .map((e) => e.args.at(-1) ?? '');
    expect(planFiles.every((f) => f.startsWith(path.join(tmp, 'work', 'plans', 'units')))).toBe(
      true,
    );
    const gets = server.requests
      .filter((q) => q.method === 'GET' && !q.path.includes('/comments'))
      .map((q) => q.path.replace(/\?.*$/, ''));
    expect(gets).toEqual(
      expect.arrayContaining([
        `/repos/acme/platform/actions/runs/${RUN_ID}`,
        `/repos/acme/platform/actions/workflows/${WORKFLOW_ID}/runs`,
        `/repos/acme/platform/commits/${merge}/pulls`,
        '/repos/acme/platform/actions/artifacts',
        expect.stringMatching(/^\/repos\/acme\/platform\/actions\/artifacts\/\d+\/zip$/),
        expect.stringMatching(/^\/_blobs\//),
      ]),
    );
  });

  it('refuses, applying nothing, while an earlier apply run is still in progress', async () => {
    const { merge } = await planAndMerge();
    server.addRun({
      id: RUN_ID - 1,
      status: 'in_progress',
      createdAt: '2026-11-27T09:59:00Z',
      workflowId: WORKFLOW_ID,
    });
    server.addRun({
      id: RUN_ID,
      status: 'in_progress',
      createdAt: '2026-11-27T10:00:00Z',
      workflowId: WORKFLOW_ID,
    });
    const before = standin.calls(repo.dir).length;

    const r = await cli(['apply', '--merge-commit', merge, '--work', path.join(tmp, 'work')], {
      GITHUB_RUN_ID: String(RUN_ID),
    });

    expect(r.status).toBe(4);
    expect(r.stderr).toContain('another apply is running');
    expect(r.stderr).toContain(`actions/runs/${RUN_ID - 1}`);
    expect(standin.calls(repo.dir).slice(before)).toEqual([]);
  });

  it('refuses when the merged PR has no plan artifact for its head', async () => {
    const base = repo.commit('base');
    repo.git('checkout', '-q', '-b', 'pr');
    repo.write({ [`${E}/_common/vpc.hcl`]: `${infraTree()[`${E}/_common/vpc.hcl`]}# change\n` });
    const head = repo.commit('pr change');
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', 'merge pr', 'pr');
    const merge = repo.git('rev-parse', 'HEAD').trim();
    server.addPull({ number: PR, headSha: head, baseSha: base, mergeCommitSha: merge });
    // Only an artifact of an older head of the same PR exists.
    server.addArtifact({ name: artifactName(base), headSha: base, runId: 1, files: {} });

    const r = await cli(['apply', '--merge-commit', merge, '--work', path.join(tmp, 'work')], {});

    expect(r.status).toBe(4);
    expect(r.stderr).toContain(`missing artifact`);
    expect(r.stderr).toContain(artifactName(head));
    expect(standin.calls(repo.dir)).toEqual([]);
  });
});
