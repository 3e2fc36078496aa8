/** Workflow runs: one run, and the runs of its workflow for a commit or still active. */
import type { CommitRunRef, RunRef } from './port.js';
import type { Rest } from './rest.js';

/** Run statuses that hold, or wait for, the apply. */
const ACTIVE_STATUSES = ['queued', 'in_progress', 'waiting'] as const;

export const time = (iso: string | null | undefined): number =>
  iso === null || iso === undefined ? Number.NaN : Date.parse(iso);

export const getRun = ({ octokit, owner, repo, repoPath, call }: Rest, runId: number) =>
  call(`GET ${repoPath}/actions/runs/${runId}`, 'actions: read', () =>
    octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runId }),
  );

/** Every run of one workflow matching `filter` (status or head_sha), all pages. */
const listRuns = (
  { octokit, owner, repo, repoPath, call }: Rest,
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

export async function runsForCommit(
  rest: Rest,
  runId: number,
  sha: string,
): Promise<CommitRunRef[]> {
  const own = await getRun(rest, runId);
  const runs = await listRuns(rest, own.data.workflow_id, { head_sha: sha });
  return runs
    .filter((r) => r.head_sha === sha)
    .map((r) => ({
      id: r.id,
      status: r.status ?? 'unknown',
      conclusion: r.conclusion ?? null,
      htmlUrl: r.html_url,
      startedAt: r.run_started_at ?? r.created_at,
    }));
}

export async function earlierActiveRuns(rest: Rest, runId: number): Promise<RunRef[]> {
  const own = await getRun(rest, runId);
  const ownCreated = time(own.data.created_at);
  const byId = new Map<number, RunRef & { created: number }>();
  for (const status of ACTIVE_STATUSES) {
    const runs = await listRuns(rest, own.data.workflow_id, { status });
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
}
