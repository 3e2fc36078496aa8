/**
 * GitHubPort over the REST API, with @octokit/rest. Every call names the endpoint it used and,
 * on failure, the HTTP status and the workflow-token permission it needs.
 *
 * Endpoints (and the `permissions:` the workflow token needs):
 *   GET   /repos/{o}/{r}/commits/{sha}/pulls                     contents: read (+ pull-requests: read)
 *   GET   /repos/{o}/{r}/actions/artifacts?name=                 actions: read
 *   GET   /repos/{o}/{r}/actions/artifacts/{id}/zip              actions: read
 *   GET   /repos/{o}/{r}/issues/{n}/comments                     pull-requests: read
 *   POST  /repos/{o}/{r}/issues/{n}/comments                     pull-requests: write
 *   PATCH /repos/{o}/{r}/issues/comments/{id}                    pull-requests: write
 *   GET   /repos/{o}/{r}/actions/runs/{id}                       actions: read
 *   GET   /repos/{o}/{r}/actions/workflows/{id}/runs?status=     actions: read
 */
import { Octokit } from '@octokit/rest';
import type { GitHubEnv } from '../env.js';
import { CliError } from '../errors.js';
import type {
  ArtifactRef,
  CommitRunRef,
  GitHubPort,
  PlanArtifact,
  PullRequestRef,
  RunRef,
} from './port.js';
import { extractZip, prepareEmptyDir } from './zip.js';

/** Run statuses that hold, or wait for, the apply. */
const ACTIVE_STATUSES = ['queued', 'in_progress', 'waiting'] as const;

export function parseRepository(repository: string | undefined): { owner: string; repo: string } {
  if (repository === undefined) {
    throw new CliError(
      'input',
      'GITHUB_REPOSITORY is not set; expected "owner/name" (set by GitHub Actions)',
    );
  }
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!m?.[1] || !m[2]) {
    throw new CliError(
      'input',
      `GITHUB_REPOSITORY is ${JSON.stringify(repository)}; expected "owner/name"`,
    );
  }
  return { owner: m[1], repo: m[2] };
}

/** Tuning for tests; the defaults suit Actions. */
export interface GitHubClientOptions {
  /** Per request, including the redirected zip download. Default 120 s. */
  timeoutMs?: number;
  /** Extra attempts of a read (GET) after a 5xx or no response. Default 2. */
  retries?: number;
  /** Wait before the first retry, doubled each time. Default 1 s. */
  retryDelayMs?: number;
}

interface HttpErrorLike {
  status: number;
  message: string;
  /** Set when the server answered; absent when there was no response (refused, reset, timeout). */
  response?: unknown;
}
const isHttpError = (e: unknown): e is HttpErrorLike =>
  e instanceof Error && typeof (e as Partial<HttpErrorLike>).status === 'number';
const answered = (e: HttpErrorLike): boolean => e.response !== undefined;

/** Worth another attempt: the server failed or never answered. Client errors (4xx) are final. */
export const transient = (e: unknown): boolean =>
  !(e instanceof CliError) && (!isHttpError(e) || !answered(e) || e.status >= 500);

/** Turns any failure of one API call into CliError('tool') naming the endpoint and what to check. */
export function toCliError(endpoint: string, permission: string, e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (isHttpError(e) && answered(e)) {
    const hint =
      e.status === 401
        ? ' (check GITHUB_TOKEN: it was rejected)'
        : e.status === 403 || e.status === 404
          ? ` (the workflow token needs \`permissions: ${permission}\`)`
          : '';
    return new CliError(
      'tool',
      `GitHub API ${endpoint} failed: HTTP ${e.status} ${firstLine(e.message)}${hint}`,
    );
  }
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new CliError('tool', `GitHub API ${endpoint} failed: no response (${text})`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const firstLine = (s: string): string => s.split('\n')[0] ?? s;

/**
 * A run of a fork's pull request can upload artifacts to this repository, but never had the plan
 * role (forks get no OIDC token): whatever it calls a plan was not made by infra-pr, so it is never
 * a candidate.
 */
const fromFork = (run: { repository_id?: number; head_repository_id?: number }): boolean =>
  run.repository_id !== undefined &&
  run.head_repository_id !== undefined &&
  run.repository_id !== run.head_repository_id;

const time = (iso: string | null | undefined): number =>
  iso === null || iso === undefined ? Number.NaN : Date.parse(iso);

export function createGitHubPort(env: GitHubEnv, options: GitHubClientOptions = {}): GitHubPort {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  if (env.token === undefined) {
    throw new CliError(
      'input',
      'GITHUB_TOKEN is not set; expected the workflow token in GITHUB_TOKEN (or GH_TOKEN)',
    );
  }
  const { owner, repo } = parseRepository(env.repository);
  const silent = (): void => {};
  const octokit = new Octokit({
    auth: env.token,
    baseUrl: env.apiUrl.replace(/\/+$/, ''),
    userAgent: 'infra-ci',
    request: {
      // Every request (and the redirect it follows) gets its own deadline: a hung API must not
      // hold the apply until the job's timeout.
      fetch: (url: string, init: RequestInit) =>
        fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) }),
    },
    // Failures surface once, as a CliError at the CLI edge; only deprecations are worth a line.
    log: {
      debug: silent,
      info: silent,
      warn: (msg: string) => process.stderr.write(`warning: ${msg}\n`),
      error: silent,
    },
  });
  const repoPath = `/repos/${owner}/${repo}`;

  /**
   * One API call, failures as CliError('tool'). Reads (endpoint starting with GET) are retried
   * after a 5xx or no response; writes are not, so a comment is never posted twice.
   */
  const call = async <T>(
    endpoint: string,
    permission: string,
    fn: () => Promise<T>,
  ): Promise<T> => {
    const attempts = endpoint.startsWith('GET ') ? retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (attempt >= attempts || !transient(e)) throw toCliError(endpoint, permission, e);
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
  };

  const getRun = (runId: number) =>
    call(`GET ${repoPath}/actions/runs/${runId}`, 'actions: read', () =>
      octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runId }),
    );
  /** Every run of one workflow matching `filter` (status or head_sha), all pages. */
  const listRuns = (
    workflowId: number,
    filter: { status: (typeof ACTIVE_STATUSES)[number] } | { head_sha: string },
  ) =>
    call(
      `GET ${repoPath}/actions/workflows/${workflowId}/runs?${new URLSearchParams(filter)}`,
      'actions: read',
      () =>
        octokit.paginate(octokit.rest.actions.listWorkflowRuns, {
          owner,
          repo,
          workflow_id: workflowId,
          ...filter,
          per_page: 100,
        }),
    );

  return {
    async pullRequestForMergeCommit(sha: string): Promise<PullRequestRef | undefined> {
      const pulls = await call(
        `GET ${repoPath}/commits/${sha}/pulls`,
        'contents: read, pull-requests: read',
        () =>
          octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
            owner,
            repo,
            commit_sha: sha,
            per_page: 100,
          }),
      );
      const pr = pulls.find((p) => p.merge_commit_sha === sha && p.merged_at != null);
      if (!pr) return undefined;
      return {
        number: pr.number,
        headSha: pr.head.sha,
        baseSha: pr.base.sha,
        baseRef: pr.base.ref,
      };
    },

    async planArtifacts(name: string, headSha: string): Promise<PlanArtifact[]> {
      const artifacts = await call(
        `GET ${repoPath}/actions/artifacts?name=${encodeURIComponent(name)}`,
        'actions: read',
        () =>
          octokit.paginate(octokit.rest.actions.listArtifactsForRepo, {
            owner,
            repo,
            name,
            per_page: 100,
          }),
      );
      const candidates = artifacts
        .filter(
          (a) =>
            a.name === name &&
            !a.expired &&
            a.workflow_run?.head_sha === headSha &&
            typeof a.workflow_run.id === 'number' &&
            !fromFork(a.workflow_run),
        )
        .sort((a, b) => time(b.created_at) - time(a.created_at) || b.id - a.id);
      // The uploading run says which workflow, which event and which PR(s) it ran for: the caller
      // binds the artifact to the merged PR with it (orchestrate/binding.ts).
      const out: PlanArtifact[] = [];
      for (const a of candidates) {
        const runId = a.workflow_run?.id ?? 0;
        const run = await getRun(runId);
        out.push({
          id: a.id,
          name: a.name,
          runId,
          headSha,
          createdAt: a.created_at ?? '',
          run: {
            event: run.data.event,
            workflowPath: run.data.path,
            pullRequests: (run.data.pull_requests ?? []).map((p) => ({
              number: p.number,
              baseRef: p.base.ref,
            })),
          },
        });
      }
      return out;
    },

    async downloadArtifact(artifact: ArtifactRef, dir: string): Promise<void> {
      // Fail on a non-empty target before spending the download.
      prepareEmptyDir(dir);
      const endpoint = `GET ${repoPath}/actions/artifacts/${artifact.id}/zip`;
      const res = await call(endpoint, 'actions: read', () =>
        octokit.rest.actions.downloadArtifact({
          owner,
          repo,
          artifact_id: artifact.id,
          archive_format: 'zip',
        }),
      );
      const data: unknown = res.data;
      if (!(data instanceof ArrayBuffer)) {
        throw new CliError(
          'tool',
          `GitHub API ${endpoint} returned ${typeof data}, expected a zip archive`,
        );
      }
      extractZip(new Uint8Array(data), dir, `artifact ${artifact.name} (id ${artifact.id})`);
    },

    async upsertComment(
      prNumber: number,
      marker: string,
      body: string,
    ): Promise<{ id: number; created: boolean }> {
      // The marker is what finds the comment next time: never post one without it.
      const text = body.includes(marker) ? body : `${marker}\n${body}`;
      const comments = await call(
        `GET ${repoPath}/issues/${prNumber}/comments`,
        'pull-requests: read',
        () =>
          octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: prNumber,
            per_page: 100,
          }),
      );
      const existing = comments.find((c) => c.body?.includes(marker));
      if (existing) {
        await call(`PATCH ${repoPath}/issues/comments/${existing.id}`, 'pull-requests: write', () =>
          octokit.rest.issues.updateComment({
            owner,
            repo,
            comment_id: existing.id,
            body: text,
          }),
        );
        return { id: existing.id, created: false };
      }
      const created = await call(
        `POST ${repoPath}/issues/${prNumber}/comments`,
        'pull-requests: write',
        () =>
          octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body: text }),
      );
      return { id: created.data.id, created: true };
    },

    async runsForCommit(runId: number, sha: string): Promise<CommitRunRef[]> {
      const own = await getRun(runId);
      const runs = await listRuns(own.data.workflow_id, { head_sha: sha });
      return runs
        .filter((r) => r.head_sha === sha)
        .map((r) => ({
          id: r.id,
          status: r.status ?? 'unknown',
          conclusion: r.conclusion ?? null,
          htmlUrl: r.html_url,
          startedAt: r.run_started_at ?? r.created_at,
        }));
    },

    async earlierActiveRuns(runId: number): Promise<RunRef[]> {
      const own = await getRun(runId);
      const ownCreated = time(own.data.created_at);
      const byId = new Map<number, RunRef & { created: number }>();
      for (const status of ACTIVE_STATUSES) {
        const runs = await listRuns(own.data.workflow_id, { status });
        for (const r of runs) {
          const created = time(r.created_at);
          const earlier = created < ownCreated || (created === ownCreated && r.id < runId);
          if (r.id === runId || !earlier) continue;
          byId.set(r.id, {
            id: r.id,
            status: r.status ?? status,
            htmlUrl: r.html_url,
            startedAt: r.run_started_at ?? r.created_at,
            created,
          });
        }
      }
      return [...byId.values()]
        .sort((a, b) => a.created - b.created || a.id - b.id)
        .map(({ created: _created, ...run }) => run);
    },
  };
}
