/**
 * The one Octokit set-up of infra-ci's GitHub clients (client.ts: plan/apply, issues.ts: drift):
 * token and repository from the environment, a deadline per request, and `call`, which turns every
 * failure into CliError('tool') naming the endpoint, the HTTP status and the token permission.
 * Reads (endpoints starting with GET) are retried after a 5xx or no response; writes never, so a
 * comment or issue is never posted twice by a retry.
 */
import { Octokit } from '@octokit/rest';
import type { GitHubEnv } from '../env.js';
import { CliError } from '../errors.js';

export interface RestOptions {
  /** Per request, including the redirected zip download. Default 120 s. */
  timeoutMs?: number;
  /** Extra attempts of a read (GET) after a 5xx or no response. Default 2. */
  retries?: number;
  /** Wait before the first retry, doubled each time. Default 1 s. */
  retryDelayMs?: number;
  /** Least time between two writes. Default 0 (no spacing). */
  writeIntervalMs?: number;
}

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

function createOctokit(env: GitHubEnv, timeoutMs: number): Octokit {
  if (env.token === undefined) {
    throw new CliError(
      'input',
      'GITHUB_TOKEN is not set; expected the workflow token in GITHUB_TOKEN (or GH_TOKEN)',
    );
  }
  const silent = (): void => {};
  return new Octokit({
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
}

/** `call(endpoint, permission, fn)` runs one API call; `repoPath` is `/repos/{owner}/{repo}`. */
export type Rest = ReturnType<typeof createRest>;

export function createRest(env: GitHubEnv, options: RestOptions = {}) {
  const { timeoutMs = 120_000, retries = 2, retryDelayMs = 1000, writeIntervalMs = 0 } = options;
  const octokit = createOctokit(env, timeoutMs);
  const { owner, repo } = parseRepository(env.repository);
  let lastWrite = Number.NEGATIVE_INFINITY;
  const call = async <T>(
    endpoint: string,
    permission: string,
    fn: () => Promise<T>,
  ): Promise<T> => {
    const read = endpoint.startsWith('GET ');
    const attempts = read ? retries + 1 : 1;
    if (!read && writeIntervalMs > 0) {
      const wait = lastWrite + writeIntervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      lastWrite = performance.now();
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (attempt >= attempts || !transient(e)) throw toCliError(endpoint, permission, e);
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
  };
  return { octokit, owner, repo, repoPath: `/repos/${owner}/${repo}`, call };
}
