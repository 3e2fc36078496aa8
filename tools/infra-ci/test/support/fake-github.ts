/**
 * Why two GitHub fakes (../../docs/testing.md): this one feeds the engine plain data in-process;
 * github-server.ts serves REST so the production client (src/github/) runs in the e2e tests.
 * In-memory GitHubPort for engine tests: plain data in, calls recorded.
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import type {
  ArtifactRef,
  CommitRunRef,
  GitHubPort,
  PlanArtifact,
  PullRequestRef,
  RunRef,
} from '../../src/github/port.js';

export class FakeGitHub implements GitHubPort {
  /** Merge commit SHA -> merged PR. */
  pulls = new Map<string, PullRequestRef>();
  /** Artifacts (with their uploading run) and the folder their zip would extract to. */
  artifacts: (PlanArtifact & { dir: string })[] = [];
  /** Runs returned by earlierActiveRuns. */
  activeRuns: RunRef[] = [];
  /** Commit SHA -> runs of the apply workflow for it (runsForCommit). */
  commitRuns = new Map<string, CommitRunRef[]>();
  comments: { pr: number; marker: string; body: string }[] = [];
  /** When set, upsertComment throws it (e.g. a 422 or a 5xx of the real API). */
  commentError: Error | undefined;
  calls: string[] = [];

  async pullRequestForMergeCommit(sha: string): Promise<PullRequestRef | undefined> {
    this.calls.push(`pullRequestForMergeCommit ${sha}`);
    return this.pulls.get(sha);
  }
  async planArtifacts(name: string, headSha: string): Promise<PlanArtifact[]> {
    this.calls.push(`planArtifacts ${name}`);
    return this.artifacts
      .filter((a) => a.name === name && a.headSha === headSha)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)
      .map(({ dir: _dir, ...a }) => a);
  }
  async downloadArtifact(artifact: ArtifactRef, dir: string): Promise<void> {
    this.calls.push(`downloadArtifact ${artifact.id}`);
    const a = this.artifacts.find((x) => x.id === artifact.id);
    if (!a) throw new Error(`no artifact ${artifact.id}`);
    mkdirSync(dir, { recursive: true });
    if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
    cpSync(a.dir, dir, { recursive: true });
  }
  async upsertComment(
    prNumber: number,
    marker: string,
    body: string,
  ): Promise<{ id: number; created: boolean }> {
    this.calls.push(`upsertComment ${prNumber} ${marker}`);
    if (this.commentError !== undefined) throw this.commentError;
    const i = this.comments.findIndex((c) => c.pr === prNumber && c.body.includes(marker));
    if (i >= 0) {
      this.comments[i] = { pr: prNumber, marker, body };
      return { id: i + 1, created: false };
    }
    this.comments.push({ pr: prNumber, marker, body });
    return { id: this.comments.length, created: true };
  }
  async runsForCommit(_runId: number, sha: string): Promise<CommitRunRef[]> {
    this.calls.push(`runsForCommit ${sha}`);
    return this.commitRuns.get(sha) ?? [];
  }
  async earlierActiveRuns(runId: number): Promise<RunRef[]> {
    this.calls.push(`earlierActiveRuns ${runId}`);
    return this.activeRuns;
  }
}
