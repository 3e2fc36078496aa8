/**
 * The GitHub issues `infra-ci drift --issues` keeps (one per drifted unit), over the REST API with
 * @octokit/rest. Separate from the plan/apply port (port.ts, client.ts): the drift job's token
 * has `issues: write` and nothing of the PR flow's. Same set-up and failure rules (rest.ts): every
 * error names the endpoint, the HTTP status and the permission; reads are retried after a 5xx or no
 * response, writes never (an issue is never created twice by a retry); each request has a deadline.
 *
 * Endpoints (`permissions: issues: write` covers them all):
 *   GET   /repos/{o}/{r}/issues?state=open&labels=   the open drift issues (pull requests dropped)
 *   POST  /repos/{o}/{r}/issues                       create {title, body, labels}
 *   PATCH /repos/{o}/{r}/issues/{n}                   update the body; close (state_reason)
 *   POST  /repos/{o}/{r}/issues/{n}/comments          why it was closed
 *   GET   /repos/{o}/{r}/labels/{name}, POST /repos/{o}/{r}/labels   the label, created once
 * GitHub drops the labels of a new issue silently when the token may not set them
 * (docs.github.com/rest/issues/issues#create-an-issue, `labels`): createIssue checks the answer.
 */
import type { GitHubEnv } from '../env.js';
import { CliError } from '../errors.js';
import { createRest, type Rest, type RestOptions } from './rest.js';

export interface IssueRef {
  number: number;
  body: string;
  labels: string[];
}

export interface IssuePort {
  /** Open issues (not pull requests) carrying `label`, all pages. */
  openIssues(label: string): Promise<IssueRef[]>;
  /** Creates the label unless the repository has it (before the first issue carrying it). */
  ensureLabel(name: string, color: string, description: string): Promise<void>;
  /** Creates an issue; fails when GitHub dropped the label (the next run could not find it). */
  createIssue(title: string, body: string, label: string): Promise<number>;
  updateIssue(number: number, body: string): Promise<void>;
  /** Comments `comment`, then closes the issue as completed (or not planned, for a duplicate). */
  closeIssue(number: number, comment: string, reason: 'completed' | 'not_planned'): Promise<void>;
}

export interface IssueClientOptions extends RestOptions {
  /**
   * Least time between two writes. Default 1 s: GitHub's secondary rate limits allow ~80
   * content-creating requests a minute (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
   */
  writeIntervalMs?: number;
}

const PERMISSION = 'issues: write';

const labelNames = (labels: readonly (string | { name?: string })[]): string[] =>
  labels.map((l) => (typeof l === 'string' ? l : (l.name ?? '')));

async function openIssues({ octokit, owner, repo, repoPath, call }: Rest, label: string) {
  const items = await call(
    `GET ${repoPath}/issues?state=open&labels=${encodeURIComponent(label)}`,
    PERMISSION,
    () =>
      octokit.paginate(octokit.rest.issues.listForRepo, {
        owner,
        repo,
        state: 'open',
        labels: label,
        per_page: 100,
      }),
  );
  return items
    .filter((i) => i.pull_request === undefined && i.state === 'open')
    .map((i) => ({ number: i.number, body: i.body ?? '', labels: labelNames(i.labels) }))
    .filter((i) => i.labels.includes(label));
}

async function createIssue(rest: Rest, title: string, body: string, label: string) {
  const { octokit, owner, repo, repoPath, call } = rest;
  const endpoint = `POST ${repoPath}/issues`;
  const res = await call(endpoint, PERMISSION, () =>
    octokit.rest.issues.create({ owner, repo, title, body, labels: [label] }),
  );
  // GitHub silently drops labels the token may not set; unlabelled, the issue would never
  // be found again and every run would open another.
  if (!labelNames(res.data.labels).includes(label)) {
    throw new CliError(
      'tool',
      `GitHub API ${endpoint} created #${res.data.number} without the label "${label}" (the workflow token needs \`permissions: ${PERMISSION}\`); label it by hand`,
    );
  }
  return res.data.number;
}

export function createIssuePort(env: GitHubEnv, options: IssueClientOptions = {}): IssuePort {
  const rest = createRest(env, { ...options, writeIntervalMs: options.writeIntervalMs ?? 1000 });
  const { octokit, owner, repo, repoPath } = rest;
  const call = <T>(endpoint: string, fn: () => Promise<T>): Promise<T> =>
    rest.call(endpoint, PERMISSION, fn);
  return {
    openIssues: (label) => openIssues(rest, label),
    async ensureLabel(name, color, description) {
      const endpoint = `GET ${repoPath}/labels/${encodeURIComponent(name)}`;
      try {
        await call(endpoint, () => octokit.rest.issues.getLabel({ owner, repo, name }));
        return;
      } catch (e) {
        if (!(e instanceof CliError && / HTTP 404 /.test(e.message))) throw e;
      }
      await call(`POST ${repoPath}/labels`, () =>
        octokit.rest.issues.createLabel({ owner, repo, name, color, description }),
      );
    },
    createIssue: (title, body, label) => createIssue(rest, title, body, label),
    async updateIssue(number, body) {
      await call(`PATCH ${repoPath}/issues/${number}`, () =>
        octokit.rest.issues.update({ owner, repo, issue_number: number, body }),
      );
    },
    async closeIssue(number, comment, reason) {
      await call(`POST ${repoPath}/issues/${number}/comments`, () =>
        octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: comment }),
      );
      await call(`PATCH ${repoPath}/issues/${number}`, () =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: number,
          state: 'closed',
          state_reason: reason,
        }),
      );
    },
  };
}
