import { ReleaseError } from '../errors.js';
import type { StatusSignal } from '../train/decide.js';

/**
 * The few GitHub REST endpoints the release train uses (docs.github.com/rest):
 *   GET  /repos/{o}/{r}/commits/{ref}/statuses   commit statuses, newest first
 *   POST /repos/{o}/{r}/statuses/{sha}            {state, context, description, target_url}
 *   GET  /repos/{o}/{r}/issues?state=open&labels= open issues with a label
 *   POST /repos/{o}/{r}/issues                    {title, body, labels}
 *   POST /repos/{o}/{r}/issues/{n}/comments       {body}
 */
export interface GitHubApi {
  statuses(sha: string): Promise<StatusSignal[]>;
  createStatus(
    sha: string,
    status: {
      state: 'success' | 'failure' | 'error' | 'pending';
      context: string;
      description: string;
    },
  ): Promise<void>;
  /** Comments on the open issue with `label`, or opens one with `title`. Returns its number. */
  report(label: string, title: string, body: string): Promise<number>;
}

export interface GitHubConfig {
  /** e.g. https://api.github.com (GITHUB_API_URL). */
  readonly apiUrl: string;
  /** owner/name (GITHUB_REPOSITORY). */
  readonly repository: string;
  readonly token: string;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

const STATES = new Set(['success', 'failure', 'error', 'pending']);

function toSignal(sha: string, raw: unknown): StatusSignal | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  const creator = (s.creator as { login?: unknown } | null | undefined)?.login;
  if (typeof s.context !== 'string' || typeof s.state !== 'string' || !STATES.has(s.state)) {
    return undefined;
  }
  return {
    sha,
    context: s.context,
    state: s.state as StatusSignal['state'],
    description: typeof s.description === 'string' ? s.description : '',
    creator: typeof creator === 'string' ? creator : '',
  };
}

export function gitHubApi(config: GitHubConfig): GitHubApi {
  const base = `${config.apiUrl.replace(/\/$/, '')}/repos/${config.repository}`;
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${config.token}`,
          'x-github-api-version': '2022-11-28',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new ReleaseError(`GitHub API ${method} ${path}: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new ReleaseError(
        `GitHub API ${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`,
      );
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  return {
    async statuses(sha) {
      const list = await call('GET', `/commits/${sha}/statuses?per_page=100`);
      if (!Array.isArray(list)) throw new ReleaseError(`GitHub API: statuses of ${sha} not a list`);
      return list.flatMap((s) => toSignal(sha, s) ?? []);
    },
    async createStatus(sha, status) {
      await call('POST', `/statuses/${sha}`, {
        ...status,
        // GitHub rejects descriptions over 140 characters.
        description: status.description.slice(0, 140),
      });
    },
    async report(label, title, body) {
      const open = await call(
        'GET',
        `/issues?state=open&labels=${encodeURIComponent(label)}&per_page=100`,
      );
      const existing = Array.isArray(open)
        ? open.find((i) => (i as { pull_request?: unknown }).pull_request === undefined)
        : undefined;
      const number = (existing as { number?: unknown } | undefined)?.number;
      if (typeof number === 'number') {
        await call('POST', `/issues/${number}/comments`, { body });
        return number;
      }
      const created = (await call('POST', '/issues', { title, body, labels: [label] })) as {
        number?: unknown;
      };
      if (typeof created?.number !== 'number')
        throw new ReleaseError('GitHub API: no issue number');
      return created.number;
    },
  };
}
