import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubEnv } from '../src/env.js';
import { CliError } from '../src/errors.js';
import { createGitHubPort } from '../src/github/client.js';
import type { GitHubPort } from '../src/github/port.js';
import { type GitHubServer, startGitHubServer } from './support/github-server.js';

const HEAD = 'a'.repeat(40);
const OTHER_HEAD = 'b'.repeat(40);
const MERGE = 'c'.repeat(40);
const BASE = 'd'.repeat(40);

let server: GitHubServer;
let port: GitHubPort;
let tmp: string;

const envFor = (s: GitHubServer, over: Partial<GitHubEnv> = {}): GitHubEnv => ({
  apiUrl: s.url,
  token: s.token,
  repository: s.repository,
  runId: undefined,
  eventPath: undefined,
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError, the call succeeded');
}

beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  port = createGitHubPort(envFor(server));
  tmp = mkdtempSync(path.join(tmpdir(), 'infra-ci-gh-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('createGitHubPort', () => {
  it('refuses a missing token or repository, naming the variable', () => {
    const missingToken = (() => {
      try {
        createGitHubPort(envFor(server, { token: undefined }));
      } catch (e) {
        return e;
      }
    })();
    expect(missingToken).toBeInstanceOf(CliError);
    expect((missingToken as CliError).code).toBe('input');
    expect((missingToken as CliError).message).toContain('GITHUB_TOKEN');

    expect(() => createGitHubPort(envFor(server, { repository: undefined }))).toThrow(
      /GITHUB_REPOSITORY is not set; expected "owner\/name"/,
    );
    expect(() => createGitHubPort(envFor(server, { repository: 'platform' }))).toThrow(
      /GITHUB_REPOSITORY is "platform"; expected "owner\/name"/,
    );
  });

  it('turns a rejected token into a tool error with the status and endpoint', async () => {
    const bad = createGitHubPort(envFor(server, { token: 'ghs_wrong' }));
    const e = await rejection(bad.planArtifacts('infra-plans-x', HEAD));
    expect(e.code).toBe('tool');
    expect(e.message).toContain('HTTP 401');
    expect(e.message).toContain('GET /repos/acme/platform/actions/artifacts?name=infra-plans-x');
    expect(e.message).toContain('GITHUB_TOKEN');
  });

  it('names the missing workflow permission on 403', async () => {
    server.failNext('/actions/runs/', 403);
    const e = await rejection(port.earlierActiveRuns(999));
    expect(e.code).toBe('tool');
    expect(e.message).toMatch(/HTTP 403 .*permissions: actions: read/);
  });
});

describe('transient failures', () => {
  const fast = () =>
    createGitHubPort(envFor(server), { retries: 2, retryDelayMs: 1, timeoutMs: 300 });

  it('retries a read after a 5xx and succeeds', async () => {
    server.addPull({ number: 31, headSha: HEAD, baseSha: BASE, mergeCommitSha: '31'.repeat(20) });
    server.failNext(`/commits/${'31'.repeat(20)}/pulls`, 502, 2);
    const pr = await fast().pullRequestForMergeCommit('31'.repeat(20));
    expect(pr?.number).toBe(31);
    const calls = server.requests.filter((r) => r.path.includes(`/commits/${'31'.repeat(20)}/`));
    expect(calls).toHaveLength(3);
  });

  it('gives up on a read after the retries, with the last status', async () => {
    server.failNext('/actions/artifacts?name=infra-plans-down', 503, 3);
    const e = await rejection(fast().planArtifacts('infra-plans-down', HEAD));
    expect(e.message).toContain('HTTP 503');
  });

  it('never retries a write, so a comment cannot be posted twice', async () => {
    server.failNext('/issues/32/comments', 502, 1, 'POST');
    const e = await rejection(fast().upsertComment(32, '<!-- m -->', 'x'));
    expect(e.message).toContain('POST /repos/acme/platform/issues/32/comments failed: HTTP 502');
    const posts = server.requests.filter(
      (r) => r.method === 'POST' && r.path.includes('/issues/32/comments'),
    );
    expect(posts).toHaveLength(1);
    expect(server.comments(32)).toEqual([]);
  });

  it('times out a request that never gets an answer', async () => {
    server.stallNext('/actions/runs/777');
    const port3 = createGitHubPort(envFor(server), { retries: 0, timeoutMs: 200 });
    const e = await rejection(port3.earlierActiveRuns(777));
    expect(e.code).toBe('tool');
    expect(e.message).toMatch(
      /GET \/repos\/acme\/platform\/actions\/runs\/777 failed: no response/,
    );
  });
});

describe('pullRequestForMergeCommit', () => {
  it('picks the merged pull request whose merge commit is the SHA', async () => {
    // An open PR whose test-merge commit happens to be the SHA, and one that only has it as head.
    server.addPull({
      number: 11,
      headSha: OTHER_HEAD,
      baseSha: BASE,
      mergeCommitSha: MERGE,
      merged: false,
    });
    server.addPull({ number: 12, headSha: MERGE, baseSha: BASE });
    server.addPull({
      number: 13,
      headSha: HEAD,
      baseSha: BASE,
      baseRef: 'main',
      mergeCommitSha: MERGE,
    });

    expect(await port.pullRequestForMergeCommit(MERGE)).toEqual({
      number: 13,
      headSha: HEAD,
      baseSha: BASE,
      baseRef: 'main',
    });
    expect(await port.pullRequestForMergeCommit('e'.repeat(40))).toBeUndefined();
  });
});

describe('planArtifacts', () => {
  it('lists unexpired artifacts of that name uploaded by runs of this repository for the head SHA, newest first', async () => {
    const name = 'infra-plans-find';
    const files = { 'manifest.json': '{}' };
    const at = (s: number) => `2026-02-01T00:00:${String(s).padStart(2, '0')}Z`;
    const older = server.addArtifact({ name, headSha: HEAD, runId: 1, files, createdAt: at(10) });
    const newer = server.addArtifact({ name, headSha: HEAD, runId: 2, files, createdAt: at(20) });
    server.addArtifact({ name, headSha: HEAD, runId: 3, files, createdAt: at(30), expired: true });
    server.addArtifact({ name, headSha: OTHER_HEAD, runId: 4, files, createdAt: at(40) });
    server.addArtifact({
      name: `${name}-other`,
      headSha: HEAD,
      runId: 5,
      files,
      createdAt: at(50),
    });
    // A fork's PR run can upload under any name; it never had the plan role.
    server.addArtifact({ name, headSha: HEAD, runId: 6, files, createdAt: at(55), fromFork: true });

    const found = await port.planArtifacts(name, HEAD);
    expect(found.map((a) => a.id)).toEqual([newer, older]);
    expect(found[0]).toMatchObject({ id: newer, name, runId: 2, headSha: HEAD, createdAt: at(20) });
    expect(await port.planArtifacts(name, 'f'.repeat(40))).toEqual([]);
    expect(await port.planArtifacts('infra-plans-none', HEAD)).toEqual([]);
  });
});

describe('planArtifacts provenance', () => {
  it('reports each uploading run: workflow file, event and the PRs it ran for (run.pull_requests)', async () => {
    const name = 'infra-plans-provenance';
    const files = { 'manifest.json': '{}' };
    const at = (s: number) => `2026-03-01T00:00:${String(s).padStart(2, '0')}Z`;
    server.addPull({ number: 61, headSha: HEAD, baseSha: BASE, mergeCommitSha: '61'.repeat(20) });
    server.addArtifact({ name, headSha: HEAD, runId: 70, files, createdAt: at(10) });
    server.addArtifact({
      name,
      headSha: HEAD,
      runId: 71,
      files,
      createdAt: at(20),
      workflowPath: '.github/workflows/other.yml',
    });
    server.addArtifact({
      name,
      headSha: HEAD,
      runId: 72,
      files,
      createdAt: at(30),
      event: 'workflow_dispatch',
    });
    server.addArtifact({
      name,
      headSha: HEAD,
      runId: 73,
      files,
      createdAt: at(40),
      pullRequests: [{ number: 62, baseRef: 'release' }],
    });
    const runs = (await port.planArtifacts(name, HEAD)).map((a) => [a.runId, a.run]);
    expect(runs).toEqual([
      [
        73,
        {
          event: 'pull_request',
          workflowPath: '.github/workflows/infra-pr.yml',
          pullRequests: [{ number: 62, baseRef: 'release' }],
        },
      ],
      [
        72,
        {
          event: 'workflow_dispatch',
          workflowPath: '.github/workflows/infra-pr.yml',
          pullRequests: [],
        },
      ],
      [71, expect.objectContaining({ workflowPath: '.github/workflows/other.yml' })],
      [
        70,
        {
          event: 'pull_request',
          workflowPath: '.github/workflows/infra-pr.yml',
          pullRequests: expect.arrayContaining([{ number: 61, baseRef: 'main' }]),
        },
      ],
    ]);
  });
});

describe('planArtifacts across pages', () => {
  it('finds an older artifact behind a full page of newer ones', async () => {
    const name = 'infra-plans-paged';
    const files = { 'manifest.json': '{}' };
    const wanted = server.addArtifact({ name, headSha: HEAD, runId: 40, files });
    // GitHub lists newest first, 100 per page at most: ours is on page 2.
    for (let i = 0; i < 100; i++)
      server.addArtifact({ name, headSha: OTHER_HEAD, runId: 41, files });
    expect((await port.planArtifacts(name, HEAD)).map((a) => a.id)).toEqual([wanted]);
    const listed = server.requests.filter((r) => r.path.includes(`artifacts?name=${name}`));
    expect(listed.map((r) => new URL(r.path, server.url).searchParams.get('page'))).toEqual([
      null,
      '2',
    ]);
  });
});

describe('downloadArtifact', () => {
  const plan = new Uint8Array([0, 1, 2, 250, 251, 252, 80, 75, 3, 4]);

  it('follows the redirect and extracts the zip into the folder', async () => {
    const name = 'infra-plans-download';
    const files = {
      'manifest.json': '{"version":1}',
      'units/infra__environments__prod__eu-central-1__vpc.tfplan': plan,
    };
    const id = server.addArtifact({ name, headSha: HEAD, runId: 7, files });
    const [artifact] = await port.planArtifacts(name, HEAD);
    expect(artifact?.id).toBe(id);
    const dir = path.join(tmp, 'plans');

    await port.downloadArtifact(
      artifact ?? { id, name, runId: 7, headSha: HEAD, createdAt: '' },
      dir,
    );

    expect(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe('{"version":1}');
    expect(
      new Uint8Array(
        readFileSync(path.join(dir, 'units/infra__environments__prod__eu-central-1__vpc.tfplan')),
      ),
    ).toEqual(plan);
    // The zip came from the blob URL the API redirected to.
    const paths = server.requests.map((r) => r.path);
    const zipAt = paths.indexOf(`/repos/acme/platform/actions/artifacts/${id}/zip`);
    expect(zipAt).toBeGreaterThanOrEqual(0);
    expect(paths[zipAt + 1]).toMatch(new RegExp(`^/_blobs/artifact-${id}\\.zip`));
  });

  it('refuses an archive with entries outside the folder and writes nothing', async () => {
    for (const evil of ['../evil.txt', 'units/../../evil.txt', '/tmp/evil.txt']) {
      const name = `infra-plans-slip-${evil.length}`;
      const id = server.addArtifact({
        name,
        headSha: HEAD,
        runId: 8,
        files: { 'manifest.json': '{}', [evil]: 'pwned' },
      });
      const dir = path.join(tmp, `slip-${id}`, 'plans');
      const e = await rejection(
        port.downloadArtifact({ id, name, runId: 8, headSha: HEAD, createdAt: '' }, dir),
      );
      expect(e.message).toContain(JSON.stringify(evil));
      expect(e.message).toMatch(/refused/);
      expect(existsSync(path.join(tmp, `slip-${id}`, 'evil.txt'))).toBe(false);
      expect(existsSync(path.join(dir, 'manifest.json'))).toBe(false);
    }
  });

  it('refuses a non-empty target folder before downloading', async () => {
    const dir = path.join(tmp, 'full');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'left-over'), 'x');
    const before = server.requests.length;
    const e = await rejection(
      port.downloadArtifact({ id: 1, name: 'x', runId: 1, headSha: HEAD, createdAt: '' }, dir),
    );
    expect(e.code).toBe('input');
    expect(e.message).toMatch(/is not empty/);
    expect(server.requests.length).toBe(before);
    expect(readdirSync(dir)).toEqual(['left-over']);
  });

  it('reports an expired artifact with its HTTP status', async () => {
    const name = 'infra-plans-expired';
    const id = server.addArtifact({ name, headSha: HEAD, runId: 9, files: {}, expired: true });
    const e = await rejection(
      port.downloadArtifact(
        { id, name, runId: 9, headSha: HEAD, createdAt: '' },
        path.join(tmp, 'e'),
      ),
    );
    expect(e.code).toBe('tool');
    expect(e.message).toContain('HTTP 410');
    expect(e.message).toContain(`/actions/artifacts/${id}/zip`);
  });
});

describe('upsertComment', () => {
  it('creates the comment once, then updates it in place even when it is past the first page', async () => {
    const pr = 21;
    for (let i = 0; i < 120; i++) server.addComment(pr, `chatter ${i}`);
    const marker = '<!-- infra-ci:plan -->';

    const first = await port.upsertComment(pr, marker, `${marker}\nplan v1`);
    expect(first.created).toBe(true);
    // Another tool's comment after ours, with a different marker, must not be touched.
    server.addComment(pr, '<!-- infra-ci:replan -->\nother', 'github-actions[bot]');
    const second = await port.upsertComment(pr, marker, `${marker}\nplan v2`);

    expect(second).toEqual({ id: first.id, created: false });
    const ours = server.comments(pr).filter((c) => c.body.includes(marker));
    expect(ours).toEqual([{ id: first.id, body: `${marker}\nplan v2` }]);
    expect(server.comments(pr)).toHaveLength(122);
    // The listing walked the Link pages.
    const lists = server.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith(`/repos/acme/platform/issues/${pr}/comments`),
    );
    expect(lists.some((r) => r.path.includes('page=2'))).toBe(true);
  });

  it('adds the marker when the body lacks it, so the next run finds the comment', async () => {
    const pr = 22;
    const marker = '<!-- infra-ci:replan -->';
    const first = await port.upsertComment(pr, marker, 'fresh plan');
    const second = await port.upsertComment(pr, marker, 'fresher plan');
    expect(second).toEqual({ id: first.id, created: false });
    expect(server.comments(pr)).toEqual([{ id: first.id, body: `${marker}\nfresher plan` }]);
  });
});

describe('runsForCommit', () => {
  it('lists the runs of the same workflow for one commit, with how they ended', async () => {
    const t = (s: number) => `2026-03-02T10:00:${String(s).padStart(2, '0')}Z`;
    const prev = 'c'.repeat(40);
    server.addRun({ id: 900, status: 'in_progress', createdAt: t(30), workflowId: 91 });
    server.addRun({
      id: 880,
      status: 'completed',
      conclusion: 'cancelled',
      createdAt: t(10),
      workflowId: 91,
      headSha: prev,
    });
    server.addRun({
      id: 881,
      status: 'completed',
      createdAt: t(11),
      workflowId: 92,
      headSha: prev,
    });
    server.addRun({ id: 882, status: 'completed', createdAt: t(12), workflowId: 91 });
    const runs = await port.runsForCommit(900, prev);
    expect(runs.map((r) => [r.id, r.status, r.conclusion])).toEqual([
      [880, 'completed', 'cancelled'],
    ]);
    expect(await port.runsForCommit(900, 'd'.repeat(40))).toEqual([]);
    const asked = server.requests.filter((r) => r.path.includes('/actions/workflows/91/runs'));
    expect(asked.at(-2)?.path).toContain(`head_sha=${prev}`);
  });
});

describe('earlierActiveRuns', () => {
  it('lists queued and in-progress runs of the same workflow created before this one', async () => {
    const t = (s: number) => `2026-03-01T10:00:${String(s).padStart(2, '0')}Z`;
    server.addRun({ id: 500, status: 'in_progress', createdAt: t(30), workflowId: 77 });
    server.addRun({ id: 400, status: 'in_progress', createdAt: t(10), workflowId: 77 });
    server.addRun({ id: 410, status: 'queued', createdAt: t(20), workflowId: 77 });
    server.addRun({ id: 420, status: 'completed', createdAt: t(25), workflowId: 77 });
    server.addRun({ id: 600, status: 'queued', createdAt: t(40), workflowId: 77 });
    server.addRun({ id: 390, status: 'in_progress', createdAt: t(5), workflowId: 78 });

    const runs = await port.earlierActiveRuns(500);
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [400, 'in_progress'],
      [410, 'queued'],
    ]);
    expect(runs[0]?.htmlUrl).toBe('https://github.com/acme/platform/actions/runs/400');
    expect(runs[0]?.startedAt).toBe(t(10));
    // The first run of the queue has nothing before it.
    expect(await port.earlierActiveRuns(400)).toEqual([]);
  });

  it('fails with the endpoint when the run is unknown', async () => {
    const e = await rejection(port.earlierActiveRuns(123456));
    expect(e.message).toContain('GET /repos/acme/platform/actions/runs/123456');
    expect(e.message).toContain('HTTP 404');
  });
});
