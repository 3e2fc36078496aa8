/** Plan artifacts: the candidates for a head SHA (with their uploading run), and their download. */
import { CliError } from '../errors.js';
import type { ArtifactRef, PlanArtifact } from './port.js';
import type { Rest } from './rest.js';
import { getRun, time } from './runs.js';
import { extractZip, prepareEmptyDir } from './zip.js';

/**
 * A run of a fork's pull request can upload artifacts to this repository, but never had the plan
 * role (forks get no OIDC token): whatever it calls a plan was not made by infra-pr, so it is never
 * a candidate.
 */
const fromFork = (run: { repository_id?: number; head_repository_id?: number }): boolean =>
  run.repository_id !== undefined &&
  run.head_repository_id !== undefined &&
  run.repository_id !== run.head_repository_id;

export async function planArtifacts(
  rest: Rest,
  name: string,
  headSha: string,
): Promise<PlanArtifact[]> {
  const { octokit, owner, repo, repoPath, call } = rest;
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
    const run = await getRun(rest, runId);
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
}

export async function downloadArtifact(
  { octokit, owner, repo, repoPath, call }: Rest,
  artifact: ArtifactRef,
  dir: string,
): Promise<void> {
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
}
