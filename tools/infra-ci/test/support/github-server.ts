/**
 * Why two GitHub fakes (../../docs/testing.md): this one runs the production client (src/github/)
 * over real HTTP; fake-github.ts gives engine tests plain data without a server.
 * A local stand-in for the GitHub REST API: the few endpoints `infra-ci plan` / `apply` use, with
 * the JSON shapes, status codes, auth check and Link-header pagination of the real one. It binds
 * 127.0.0.1 on port 0; point GITHUB_API_URL at `url` and GITHUB_TOKEN at `token`.
 *
 * Endpoints (everything else is 404 with GitHub's error body):
 *   GET   /repos/{o}/{r}/commits/{sha}/pulls                  pulls whose merge_commit_sha or head.sha is sha
 *   GET   /repos/{o}/{r}/actions/artifacts?name=&per_page=&page=
 *   GET   /repos/{o}/{r}/actions/artifacts/{id}
 *   GET   /repos/{o}/{r}/actions/artifacts/{id}/zip          302 to a blob URL on this server (410 when expired)
 *   GET   /repos/{o}/{r}/issues/{n}/comments?per_page=&page=
 *   POST  /repos/{o}/{r}/issues/{n}/comments                 {body}
 *   PATCH /repos/{o}/{r}/issues/comments/{id}                {body}
 *   GET   /repos/{o}/{r}/actions/runs/{id}
 *   GET   /repos/{o}/{r}/actions/workflows/{workflow_id}/runs?status=&head_sha=&per_page=&page=
 *   issues and labels (infra-ci drift): see github-issues.ts, registered by one hook in `route`
 * The blob URL needs no token (like GitHub's signed storage URLs); every other path needs it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { strToU8, zipSync } from 'fflate';
import { type IssueStore, issueRoutes } from './github-issues.js';

export interface AddPull {
  number: number;
  headSha: string;
  baseSha: string;
  /** Default "main". */
  baseRef?: string;
  /** The merge commit; the PR counts as merged when this is set, unless `merged: false`. */
  mergeCommitSha?: string;
  /** Default: mergeCommitSha !== undefined. `false` models an open PR's test-merge commit. */
  merged?: boolean;
}

export interface AddArtifact {
  name: string;
  headSha: string;
  runId: number;
  /** Zipped at the top level of the archive; keys are entry names ("units/a.tfplan"). */
  files: Record<string, Uint8Array | string>;
  expired?: boolean;
  /** ISO time; default: later than every artifact added before. */
  createdAt?: string;
  /** Uploaded by a run of a fork's pull request (workflow_run.head_repository_id differs). */
  fromFork?: boolean;
  /**
   * The uploading run's workflow file and event (default `.github/workflows/infra-pr.yml`,
   * `pull_request`); the run is registered (completed) unless addRun already did.
   */
  workflowPath?: string;
  event?: string;
  /**
   * The run's `pull_requests` (number and base branch). Default for a pull_request run: every
   * added PR whose head is the artifact's head SHA, as GitHub lists the PRs a run was for.
   */
  pullRequests?: { number: number; baseRef: string }[];
}

export interface AddRun {
  id: number;
  status: 'queued' | 'in_progress' | 'completed';
  createdAt: string;
  /** Default 1. */
  workflowId?: number;
  /** Default `.github/workflows/infra-merge.yml`. */
  path?: string;
  /** Default `push`. */
  event?: string;
  /** The commit the run is for (head_sha). */
  headSha?: string;
  /** How a completed run ended; default `success`. */
  conclusion?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path with its query string, as received ("/repos/acme/platform/actions/artifacts?name=x"). */
  path: string;
  /** Parsed JSON body, when one was sent. */
  body?: unknown;
}

export interface GitHubServer {
  /** Use as GITHUB_API_URL. */
  url: string;
  /** The only token accepted (as `Bearer <t>` or `token <t>`); others get 401 like GitHub's. */
  token: string;
  /** "acme/platform". */
  repository: string;
  addPull(p: AddPull): void;
  /** Zips `files`; returns the artifact id. */
  addArtifact(a: AddArtifact): number;
  addRun(r: AddRun): void;
  /** Seeds a comment on issue/PR `prNumber` (e.g. someone else's); returns its id. */
  addComment(prNumber: number, body: string, login?: string): number;
  /** The comments on issue/PR `prNumber`, oldest first. */
  comments(prNumber: number): { id: number; body: string }[];
  /**
   * The next `times` (default 1) requests whose path contains `pathIncludes` (and whose method is
   * `method`, when given) get `status` with GitHub's error body.
   */
  failNext(pathIncludes: string, status: number, times?: number, method?: string): void;
  /** The next request whose path contains `pathIncludes` is never answered (until close). */
  stallNext(pathIncludes: string): void;
  /** Everything received, in order. */
  requests: RecordedRequest[];
  /** Issues (drift): see github-issues.ts. */
  issues: IssueStore;
  close(): Promise<void>;
}

interface Pull {
  number: number;
  headSha: string;
  baseSha: string;
  baseRef: string;
  mergeCommitSha: string | null;
  mergedAt: string | null;
}
interface Artifact {
  id: number;
  name: string;
  headSha: string;
  runId: number;
  expired: boolean;
  createdAt: string;
  fromFork: boolean;
  zip: Uint8Array;
}
interface Run {
  id: number;
  status: string;
  createdAt: string;
  workflowId: number;
  path: string;
  event: string;
  headSha: string;
  conclusion: string;
  /** Explicit `pull_requests`; undefined: derived from the added PRs (see AddArtifact). */
  pullRequests?: { number: number; baseRef: string }[];
}
interface Comment {
  id: number;
  issue: number;
  body: string;
  login: string;
  createdAt: string;
  updatedAt: string;
}

const OWNER = 'acme';
const REPO = 'platform';
const TOKEN = 'ghs_testtoken0123456789';
const DOCS = 'https://docs.github.com/rest';
const BASE_TIME = Date.parse('2026-01-01T00:00:00Z');

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function startGitHubServer(): Promise<GitHubServer> {
  const pulls: Pull[] = [];
  const artifacts: Artifact[] = [];
  const runs: Run[] = [];
  const comments: Comment[] = [];
  const requests: RecordedRequest[] = [];
  const failures: { pathIncludes: string; status: number; times: number; method?: string }[] = [];
  const stalls: string[] = [];
  let nextArtifactId = 1001;
  let nextCommentId = 5001;
  let clock = BASE_TIME;
  const tick = (): string => {
    clock += 1000;
    return isoSeconds(clock);
  };
  let url = '';

  const repoPrefix = `/repos/${OWNER}/${REPO}`;

  const pullJson = (p: Pull) => ({
    url: `${url}${repoPrefix}/pulls/${p.number}`,
    number: p.number,
    state: p.mergedAt === null ? 'open' : 'closed',
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    head: { ref: `feature-${p.number}`, sha: p.headSha },
    base: { ref: p.baseRef, sha: p.baseSha },
  });
  const artifactJson = (a: Artifact) => ({
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.zip.byteLength,
    url: `${url}${repoPrefix}/actions/artifacts/${a.id}`,
    archive_download_url: `${url}${repoPrefix}/actions/artifacts/${a.id}/zip`,
    expired: a.expired,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    expires_at: isoSeconds(Date.parse(a.createdAt) + 30 * 86_400_000),
    workflow_run: {
      id: a.runId,
      repository_id: 1,
      head_repository_id: a.fromFork ? 2 : 1,
      head_branch: 'feature',
      head_sha: a.headSha,
    },
  });
  const runJson = (r: Run) => ({
    id: r.id,
    name: r.path.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    path: r.path,
    event: r.event,
    workflow_id: r.workflowId,
    status: r.status,
    conclusion: r.status === 'completed' ? r.conclusion : null,
    head_sha: r.headSha,
    pull_requests: (
      r.pullRequests ??
      (r.event === 'pull_request'
        ? pulls
            .filter((p) => p.headSha === r.headSha)
            .map((p) => ({ number: p.number, baseRef: p.baseRef }))
        : [])
    ).map((p) => ({
      id: 9000 + p.number,
      number: p.number,
      url: `${url}${repoPrefix}/pulls/${p.number}`,
      head: { ref: 'feature', sha: r.headSha, repo: { id: 1, name: REPO } },
      base: { ref: p.baseRef, sha: '0'.repeat(40), repo: { id: 1, name: REPO } },
    })),
    created_at: r.createdAt,
    run_started_at: r.createdAt,
    html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${r.id}`,
  });
  const commentJson = (c: Comment) => ({
    id: c.id,
    body: c.body,
    user: { login: c.login, type: c.login.endsWith('[bot]') ? 'Bot' : 'User' },
    html_url: `https://github.com/${OWNER}/${REPO}/pull/${c.issue}#issuecomment-${c.id}`,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });

  /** Slices `items` by page/per_page and sets a Link header like GitHub's. */
  const paginate = <T>(res: ServerResponse, reqUrl: URL, items: T[]): T[] => {
    const perPage = Math.min(
      Math.max(Number(reqUrl.searchParams.get('per_page') ?? 30) || 30, 1),
      100,
    );
    const page = Math.max(Number(reqUrl.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (p: number, rel: string): string => {
      const u = new URL(reqUrl.toString());
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return `<${url}${u.pathname}${u.search}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    if (links.length > 0) res.setHeader('Link', links.join(', '));
    return items.slice((page - 1) * perPage, page * perPage);
  };

  /** Every route ends in exactly one response; returning it keeps the routing flat. */
  type Sent = true;
  const send = (res: ServerResponse, status: number, body: unknown): Sent => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
    return true;
  };
  const error = (res: ServerResponse, status: number, message: string): Sent =>
    send(res, status, { message, documentation_url: DOCS, status: String(status) });

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (chunks.length === 0) return undefined;
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpError(400, 'Problems parsing JSON');
    }
  };
  const bodyText = (body: unknown): string => {
    if (typeof body === 'object' && body !== null && 'body' in body) {
      const b = (body as { body: unknown }).body;
      if (typeof b === 'string') return b;
    }
    throw new HttpError(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
  };

  const issues = issueRoutes({
    send,
    error,
    paginate,
    htmlBase: `https://github.com/${OWNER}/${REPO}`,
  });

  const route = (
    method: string,
    reqUrl: URL,
    body: unknown,
    res: ServerResponse,
    authorised: boolean,
  ): Sent => {
    const p = reqUrl.pathname;
    let m = /^\/_blobs\/artifact-(\d+)\.zip$/.exec(p);
    if (m && method === 'GET') {
      const a = artifacts.find((x) => x.id === Number(m?.[1]));
      if (!a) return error(res, 404, 'Not Found');
      res.writeHead(200, {
        'Content-Type': 'application/zip',
        'Content-Length': String(a.zip.byteLength),
      });
      res.end(Buffer.from(a.zip));
      return true;
    }
    if (!authorised) return error(res, 401, 'Bad credentials');
    if (!p.startsWith(`${repoPrefix}/`)) return error(res, 404, 'Not Found');
    const rest = p.slice(repoPrefix.length);

    m = /^\/commits\/([0-9a-fA-F]{4,64})\/pulls$/.exec(rest);
    if (m && method === 'GET') {
      const sha = m[1];
      const found = pulls.filter((x) => x.mergeCommitSha === sha || x.headSha === sha);
      return send(res, 200, paginate(res, reqUrl, found).map(pullJson));
    }
    if (rest === '/actions/artifacts' && method === 'GET') {
      const name = reqUrl.searchParams.get('name');
      const found = artifacts
        .filter((a) => name === null || a.name === name)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      return send(res, 200, {
        total_count: found.length,
        artifacts: paginate(res, reqUrl, found).map(artifactJson),
      });
    }
    m = /^\/actions\/artifacts\/(\d+)(\/zip)?$/.exec(rest);
    if (m && method === 'GET') {
      const a = artifacts.find((x) => x.id === Number(m?.[1]));
      if (!a) return error(res, 404, 'Not Found');
      if (m[2] === undefined) return send(res, 200, artifactJson(a));
      if (a.expired) return error(res, 410, 'Artifact has expired');
      res.writeHead(302, { Location: `${url}/_blobs/artifact-${a.id}.zip?sig=test` });
      res.end();
      return true;
    }
    m = /^\/issues\/(\d+)\/comments$/.exec(rest);
    if (m && method === 'GET') {
      const issue = Number(m[1]);
      const found = comments.filter((c) => c.issue === issue);
      return send(res, 200, paginate(res, reqUrl, found).map(commentJson));
    }
    if (m && method === 'POST') {
      const now = tick();
      const c: Comment = {
        id: nextCommentId++,
        issue: Number(m[1]),
        body: bodyText(body),
        login: 'github-actions[bot]',
        createdAt: now,
        updatedAt: now,
      };
      comments.push(c);
      return send(res, 201, commentJson(c));
    }
    m = /^\/issues\/comments\/(\d+)$/.exec(rest);
    if (m && method === 'PATCH') {
      const c = comments.find((x) => x.id === Number(m?.[1]));
      if (!c) return error(res, 404, 'Not Found');
      c.body = bodyText(body);
      c.updatedAt = tick();
      return send(res, 200, commentJson(c));
    }
    m = /^\/actions\/runs\/(\d+)$/.exec(rest);
    if (m && method === 'GET') {
      const r = runs.find((x) => x.id === Number(m?.[1]));
      if (!r) return error(res, 404, 'Not Found');
      return send(res, 200, runJson(r));
    }
    m = /^\/actions\/workflows\/(\d+)\/runs$/.exec(rest);
    if (m && method === 'GET') {
      const wf = Number(m[1]);
      const status = reqUrl.searchParams.get('status');
      const headSha = reqUrl.searchParams.get('head_sha');
      const found = runs
        .filter(
          (r) =>
            r.workflowId === wf &&
            (status === null || r.status === status) &&
            (headSha === null || r.headSha === headSha),
        )
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      return send(res, 200, {
        total_count: found.length,
        workflow_runs: paginate(res, reqUrl, found).map(runJson),
      });
    }
    if (issues.route(method, rest, reqUrl, body, res)) return true;
    return error(res, 404, 'Not Found');
  };

  const server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const rec: RecordedRequest = { method, path };
      requests.push(rec);
      try {
        const body = await readBody(req);
        if (body !== undefined) rec.body = body;
        const stall = stalls.findIndex((p) => path.includes(p));
        if (stall >= 0) {
          stalls.splice(stall, 1);
          return;
        }
        const failure = failures.find(
          (f) => path.includes(f.pathIncludes) && (f.method === undefined || f.method === method),
        );
        if (failure) {
          failure.times -= 1;
          if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
          throw new HttpError(failure.status, 'Injected failure');
        }
        const auth = req.headers.authorization ?? '';
        const authorised = auth === `token ${TOKEN}` || auth === `Bearer ${TOKEN}`;
        route(method, new URL(path, 'http://localhost'), body, res, authorised);
      } catch (e) {
        if (e instanceof HttpError) error(res, e.status, e.message);
        else error(res, 500, e instanceof Error ? e.message : String(e));
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token: TOKEN,
    repository: `${OWNER}/${REPO}`,
    requests,
    issues: issues.store,
    addPull(p) {
      const merged = p.merged ?? p.mergeCommitSha !== undefined;
      pulls.push({
        number: p.number,
        headSha: p.headSha,
        baseSha: p.baseSha,
        baseRef: p.baseRef ?? 'main',
        mergeCommitSha: p.mergeCommitSha ?? null,
        mergedAt: merged ? tick() : null,
      });
    },
    addArtifact(a) {
      const entries: Record<string, Uint8Array> = {};
      for (const [name, content] of Object.entries(a.files)) {
        entries[name] = typeof content === 'string' ? strToU8(content) : content;
      }
      const id = nextArtifactId++;
      artifacts.push({
        id,
        name: a.name,
        headSha: a.headSha,
        runId: a.runId,
        expired: a.expired ?? false,
        createdAt: a.createdAt ?? tick(),
        fromFork: a.fromFork ?? false,
        zip: zipSync(entries),
      });
      if (!runs.some((r) => r.id === a.runId)) {
        runs.push({
          id: a.runId,
          status: 'completed',
          createdAt: tick(),
          workflowId: 2,
          path: a.workflowPath ?? '.github/workflows/infra-pr.yml',
          event: a.event ?? 'pull_request',
          headSha: a.headSha,
          conclusion: 'success',
          ...(a.pullRequests === undefined ? {} : { pullRequests: a.pullRequests }),
        });
      }
      return id;
    },
    addRun(r) {
      const i = runs.findIndex((x) => x.id === r.id);
      if (i >= 0) runs.splice(i, 1);
      runs.push({
        id: r.id,
        status: r.status,
        createdAt: r.createdAt,
        workflowId: r.workflowId ?? 1,
        path: r.path ?? '.github/workflows/infra-merge.yml',
        event: r.event ?? 'push',
        headSha: r.headSha ?? '0'.repeat(40),
        conclusion: r.conclusion ?? 'success',
      });
    },
    addComment(prNumber, body, login = 'someone') {
      const now = tick();
      const c: Comment = {
        id: nextCommentId++,
        issue: prNumber,
        body,
        login,
        createdAt: now,
        updatedAt: now,
      };
      comments.push(c);
      return c.id;
    },
    comments(prNumber) {
      return comments.filter((c) => c.issue === prNumber).map((c) => ({ id: c.id, body: c.body }));
    },
    failNext(pathIncludes, status, times = 1, method) {
      if (times <= 0) return;
      failures.push({ pathIncludes, status, times, ...(method === undefined ? {} : { method }) });
    },
    stallNext(pathIncludes) {
      stalls.push(pathIncludes);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
