import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHub } from './support/github-server.js';

/**
 * The train end to end, with the real CLI processes, a real git repository and a local GitHub REST
 * stand-in: app-merge stages the digest in the standby → Flux (here: a POST with the Flux token)
 * reports the standby's apps status on that commit → `release on-signal` pins the primary, or
 * stops and reports.
 */
const exec = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli/release.js', import.meta.url));
const REPOSITORY = 'acme/demo-app';
const CONTEXT = 'kustomization/apps/0c9c2e41';
const OLD = `sha256:${'0a1b2c3d4e5f60718293a4b5c6d7e8f9'.repeat(2)}`;
const NEW = `sha256:${'b'.repeat(64)}`;
const STANDBY = 'deploy/clusters/eu-west-2/release-pin.yaml';
const PRIMARY = 'deploy/clusters/eu-central-1/release-pin.yaml';

let github: GitHubStandIn;
let dir: string;

const git = async (...args: string[]) =>
  (
    await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: dir,
    })
  ).stdout.trim();

async function release(args: string[], token = 'actions-token') {
  const output = join(dir, '..', 'github-output');
  await writeFile(output, '');
  const env = {
    PATH: process.env.PATH,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_TOKEN: token,
    GITHUB_OUTPUT: output,
  };
  const run = await exec(process.execPath, [cli, ...args, '--repo', dir], { env, timeout: 20_000 })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => e);
  return { ...run, output: await readFile(output, 'utf8') };
}

/** What notification-controller's github provider does: POST a status with the Flux token. */
async function fluxReports(sha: string, state: 'success' | 'failure', token = 'flux-token') {
  const res = await fetch(`${github.url}/repos/${REPOSITORY}/statuses/${sha}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      state,
      context: CONTEXT,
      description: state === 'success' ? 'reconciliation succeeded' : 'health check failed',
    }),
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(201);
}

async function gaFiles(primaryDial: number, standbyDial: number) {
  const group = (dial: number) => ({
    EndpointGroup: {
      TrafficDialPercentage: dial,
      EndpointDescriptions: [{ HealthState: 'HEALTHY' }],
    },
  });
  const p = join(dir, '..', 'ga-primary.json');
  const s = join(dir, '..', 'ga-standby.json');
  await writeFile(p, JSON.stringify(group(primaryDial)));
  await writeFile(s, JSON.stringify(group(standbyDial)));
  return ['--ga-primary', p, '--ga-standby', s];
}

/** The app-merge job: stage the pushed digest in the standby, commit it. Returns the commit. */
async function merge(digest: string): Promise<string> {
  const staged = await release([
    'stage',
    '--digest',
    digest,
    '--source-sha',
    'f'.repeat(40),
    ...(await gaFiles(100, 0)),
  ]);
  expect(staged.code).toBe(0);
  expect(staged.output).toContain('decision=pin');
  await git('add', STANDBY);
  await git('commit', '-qm', `deploy: demo-app ${digest} (eu-west-2)`);
  return git('rev-parse', 'HEAD');
}

const onSignal = async (sha: string, ga: string[]) =>
  release([
    'on-signal',
    '--sha',
    sha,
    '--event-context',
    CONTEXT,
    '--standby-context',
    CONTEXT,
    '--flux-creator',
    'flux-bot',
    ...ga,
  ]);

const digestIn = async (path: string) =>
  /DEMO_APP_DIGEST: (\S+)/.exec(await readFile(join(dir, path), 'utf8'))?.[1];

beforeEach(async () => {
  github = await startGitHub(REPOSITORY, {
    'flux-token': 'flux-bot',
    'actions-token': 'github-actions[bot]',
  });
  dir = join(await mkdtemp(join(tmpdir(), 'release-train-')), 'repo');
  for (const region of ['eu-west-2', 'eu-central-1']) {
    await mkdir(join(dir, 'deploy/clusters', region), { recursive: true });
    const file = `deploy/clusters/${region}/release-pin.yaml`;
    await cp(join(repoRoot, file), join(dir, file));
  }
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('commit', '-qm', 'initial pins');
  expect(await digestIn(PRIMARY)).toBe(OLD);
});

afterEach(async () => {
  await github.close();
});

describe('release train, end to end', () => {
  it('merge → standby pinned → success status → primary pinned', async () => {
    const pinCommit = await merge(NEW);
    expect(await digestIn(STANDBY)).toBe(NEW);
    expect(await digestIn(PRIMARY)).toBe(OLD);

    await fluxReports(pinCommit, 'success');
    const run = await onSignal(pinCommit, await gaFiles(100, 0));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'promote', digest: NEW });
    expect(run.output).toBe(`decision=promote\ndigest=${NEW}\n`);
    expect(await digestIn(PRIMARY)).toBe(NEW);
    expect(github.issues).toEqual([]);
    // Each pin records when it was made (the Canary's pinned-at annotation comes from it).
    for (const path of [STANDBY, PRIMARY]) {
      const at = /DEMO_APP_PINNED_AT: "(\S+)"/.exec(await readFile(join(dir, path), 'utf8'))?.[1];
      expect(Date.parse(at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    }
  });

  it('failure status → primary untouched, failure on the commit and in an issue', async () => {
    const pinCommit = await merge(NEW);
    await fluxReports(pinCommit, 'failure');
    const run = await onSignal(pinCommit, await gaFiles(100, 0));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'stop', digest: NEW });
    expect(await digestIn(PRIMARY)).toBe(OLD);
    expect(await git('status', '--porcelain')).toBe('');

    const train = github.statuses
      .get(pinCommit)
      ?.find((s) => s.context === 'release-train/eu-central-1');
    expect(train).toMatchObject({ state: 'failure', creator: { login: 'github-actions[bot]' } });
    expect(train?.description).toMatch(
      /^stop: eu-west-2 reported "failure" \(health check failed\)/,
    );
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]?.labels).toEqual([{ name: 'release-train' }]);
    expect(github.issues[0]?.body).toContain(
      `Release train stop** at commit ${pinCommit} (${NEW})`,
    );

    // A second report goes to the same open issue as a comment.
    await onSignal(pinCommit, await gaFiles(100, 0));
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]?.comments).toHaveLength(1);
  });

  it('a success posted by another identity (a workflow token) is rejected', async () => {
    const pinCommit = await merge(NEW);
    await fluxReports(pinCommit, 'success', 'actions-token');
    const run = await onSignal(pinCommit, await gaFiles(100, 0));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'reject' });
    expect(await digestIn(PRIMARY)).toBe(OLD);
  });

  it('a success for the previous standby pin is rejected after the next merge', async () => {
    const first = await merge(NEW);
    await merge(`sha256:${'c'.repeat(64)}`);
    await fluxReports(first, 'success');
    const run = await onSignal(first, await gaFiles(100, 0));
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'reject' });
    expect(await digestIn(PRIMARY)).toBe(OLD);
  });

  it('while failed over the train pauses and asks in the issue', async () => {
    const pinCommit = await merge(NEW);
    await fluxReports(pinCommit, 'success');
    const run = await onSignal(pinCommit, await gaFiles(0, 100));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'pause', digest: NEW });
    expect(await digestIn(PRIMARY)).toBe(OLD);
    expect(github.statuses.get(pinCommit)?.[0]).toMatchObject({
      context: 'release-train/eu-central-1',
      state: 'pending',
    });
    expect(github.issues[0]?.body).toMatch(/manual decision is needed/);
  });

  it('repository_dispatch: only a wake-up call, the status is read back from the API', async () => {
    const pinCommit = await merge(NEW);
    const dispatch = (extra: string[]) =>
      release([
        'on-signal',
        '--sha',
        `main@sha1:${pinCommit}`,
        '--standby-context',
        CONTEXT,
        '--flux-creator',
        'flux-bot',
        ...extra,
      ]);
    // No status yet: a dispatch alone proves nothing.
    const early = await dispatch(await gaFiles(100, 0));
    expect(JSON.parse(early.stdout)).toMatchObject({ kind: 'ignore' });
    expect(await digestIn(PRIMARY)).toBe(OLD);
    await fluxReports(pinCommit, 'success');
    const run = await dispatch(await gaFiles(100, 0));
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'promote', digest: NEW });
    expect(await digestIn(PRIMARY)).toBe(NEW);
  });

  it('a token GitHub refuses fails closed: exit 2, primary untouched', async () => {
    const pinCommit = await merge(NEW);
    await fluxReports(pinCommit, 'success');
    const run = await release(
      [
        'on-signal',
        '--sha',
        pinCommit,
        '--standby-context',
        CONTEXT,
        '--flux-creator',
        'flux-bot',
        ...(await gaFiles(100, 0)),
      ],
      'revoked-token',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /GitHub API GET \/commits\/[0-9a-f]{40}\/statuses\?per_page=100: HTTP 401/,
    );
    expect(await digestIn(PRIMARY)).toBe(OLD);
  });

  it('a status of another context is ignored without calling the API', async () => {
    const pinCommit = await merge(NEW);
    const run = await release(
      [
        'on-signal',
        '--sha',
        pinCommit,
        '--event-context',
        'ci/test',
        '--standby-context',
        CONTEXT,
        '--flux-creator',
        'flux-bot',
      ],
      'no-such-token',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'ignore' });
  });
});
