/** Pull requests: the PR a merge commit came from, and the plan comment on it. */
import type { PullRequestRef } from './port.js';
import type { Rest } from './rest.js';

export async function pullRequestForMergeCommit(
  { octokit, owner, repo, repoPath, call }: Rest,
  sha: string,
): Promise<PullRequestRef | undefined> {
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
  return { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, baseRef: pr.base.ref };
}

export async function upsertComment(
  { octokit, owner, repo, repoPath, call }: Rest,
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
      octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: text }),
    );
    return { id: existing.id, created: false };
  }
  const created = await call(
    `POST ${repoPath}/issues/${prNumber}/comments`,
    'pull-requests: write',
    () => octokit.rest.issues.createComment({ owner, repo, issue_number: prNumber, body: text }),
  );
  return { id: created.data.id, created: true };
}
