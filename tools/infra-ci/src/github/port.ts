/**
 * What `infra-ci plan` and `infra-ci apply` need from GitHub, and nothing more. The production
 * implementation talks to the REST API (src/github/client.ts); tests use it against a local server
 * speaking the same shapes (test/support/github-server.ts), or an in-memory fake of this interface.
 */

/** A pull request as the merge flow needs it. */
export interface PullRequestRef {
  number: number;
  /** SHA of the PR head commit (what the PR flow planned). */
  headSha: string;
  /** SHA of the base branch when the PR was last synchronised. */
  baseSha: string;
  /** Base branch name, e.g. "main". */
  baseRef: string;
}

/** A workflow artifact holding one PR head's plans (uploaded by actions/upload-artifact). */
export interface ArtifactRef {
  id: number;
  name: string;
  /** Workflow run that uploaded it, and the head SHA that run was for. */
  runId: number;
  headSha: string;
  createdAt: string;
}

/** The pull request a workflow run was for, as the run lists it (`run.pull_requests`). */
export interface RunPullRequest {
  number: number;
  /** The PR's base branch name when the run started, e.g. "main". */
  baseRef: string;
}

/** A candidate plan artifact with the run that uploaded it: what binds it to a reviewed PR. */
export interface PlanArtifact extends ArtifactRef {
  run: {
    /** Event that started the run (`pull_request` for infra-pr on a PR). */
    event: string;
    /** Workflow file of the run, e.g. `.github/workflows/infra-pr.yml`. */
    workflowPath: string;
    /** The run's `pull_requests` (empty for push runs and for forks). */
    pullRequests: RunPullRequest[];
  };
}

/** Another workflow run that holds (or waits for) the apply. */
export interface RunRef {
  id: number;
  status: string;
  htmlUrl: string;
  startedAt: string;
}

/** A run of the same workflow for a given commit, with how it ended (null while not completed). */
export interface CommitRunRef extends RunRef {
  conclusion: string | null;
}

export interface GitHubPort {
  /** The merged pull request whose merge commit is `sha`, or undefined when none is. */
  pullRequestForMergeCommit(sha: string): Promise<PullRequestRef | undefined>;
  /**
   * Every unexpired artifact called `name` uploaded by a run of this repository (not a fork's) for
   * `headSha`, newest first, each with the run that uploaded it. Whether one may be applied is the
   * caller's decision (orchestrate/binding.ts): the checksums inside prove integrity, not origin.
   */
  planArtifacts(name: string, headSha: string): Promise<PlanArtifact[]>;
  /** Downloads the artifact's zip and extracts it into `dir` (created; must not exist or be empty). */
  downloadArtifact(artifact: ArtifactRef, dir: string): Promise<void>;
  /**
   * Creates, or updates in place, the one comment on pull request `prNumber` whose body contains
   * `marker` (an HTML comment such as `<!-- infra-ci:plan -->`), so re-runs never duplicate it.
   */
  upsertComment(
    prNumber: number,
    marker: string,
    body: string,
  ): Promise<{ id: number; created: boolean }>;
  /**
   * Other runs of the workflow that `runId` belongs to which are queued or in progress and were
   * created before it: while any exists, this run must not apply.
   */
  earlierActiveRuns(runId: number): Promise<RunRef[]>;
  /**
   * Runs of the workflow that `runId` belongs to for commit `sha` (its push runs): whether an
   * earlier merge's apply ever ran to an end, or was cancelled while it waited.
   */
  runsForCommit(runId: number, sha: string): Promise<CommitRunRef[]>;
}
