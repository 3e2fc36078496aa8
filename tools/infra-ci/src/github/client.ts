/**
 * GitHubPort over the REST API, with @octokit/rest (set up once in rest.ts). Every call names the
 * endpoint it used and, on failure, the HTTP status and the workflow-token permission it needs.
 * One concern per file: pulls.ts (merged PR, plan comment), artifacts.ts, runs.ts.
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
import type { GitHubEnv } from '../env.js';
import { downloadArtifact, planArtifacts } from './artifacts.js';
import type { GitHubPort } from './port.js';
import { pullRequestForMergeCommit, upsertComment } from './pulls.js';
import { createRest, type RestOptions } from './rest.js';
import { earlierActiveRuns, runsForCommit } from './runs.js';

/** Tuning for tests; the defaults suit Actions. */
export type GitHubClientOptions = Omit<RestOptions, 'writeIntervalMs'>;

export function createGitHubPort(env: GitHubEnv, options: GitHubClientOptions = {}): GitHubPort {
  const rest = createRest(env, options);
  return {
    pullRequestForMergeCommit: (sha) => pullRequestForMergeCommit(rest, sha),
    planArtifacts: (name, headSha) => planArtifacts(rest, name, headSha),
    downloadArtifact: (artifact, dir) => downloadArtifact(rest, artifact, dir),
    upsertComment: (prNumber, marker, body) => upsertComment(rest, prNumber, marker, body),
    runsForCommit: (runId, sha) => runsForCommit(rest, runId, sha),
    earlierActiveRuns: (runId) => earlierActiveRuns(rest, runId),
  };
}
