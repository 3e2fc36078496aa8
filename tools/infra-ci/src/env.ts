/** The only module that reads process.env / process.argv. It imports nothing else of ours. */
export interface Env {
  /** Command-line arguments after `node main.js`. */
  readonly args: string[];
  /** Working directory the CLI was started in. */
  readonly cwd: string;
  /** Path of the GitHub Actions step-output file, when running in Actions. */
  readonly githubOutput: string | undefined;
  /** Path of the GitHub Actions job-summary file ($GITHUB_STEP_SUMMARY), when running in Actions. */
  readonly githubStepSummary: string | undefined;
  /**
   * Parse-cache folder named by the environment: $INFRA_CI_CACHE_DIR, else
   * $XDG_CACHE_HOME/infra-ci; undefined when neither is set (commands then use a tmpdir default).
   */
  readonly cacheDir: string | undefined;
  /**
   * Environment for terragrunt/terraform children: ours without the GitHub token (they need AWS
   * credentials, never the token that can comment and read artifacts).
   */
  readonly childEnv: Record<string, string | undefined>;
  /** What the GitHub API client needs; every field is undefined outside Actions. */
  readonly github: GitHubEnv;
}

export interface GitHubEnv {
  /** $GITHUB_API_URL (https://api.github.com on github.com; tests point it at a local server). */
  readonly apiUrl: string;
  /** $GITHUB_TOKEN (or $GH_TOKEN): the workflow token. */
  readonly token: string | undefined;
  /** $GITHUB_REPOSITORY: "owner/name". */
  readonly repository: string | undefined;
  /** $GITHUB_RUN_ID of the running workflow run. */
  readonly runId: number | undefined;
  /** $GITHUB_EVENT_PATH: the webhook payload that triggered the run (pull_request, push…). */
  readonly eventPath: string | undefined;
}

const nonEmpty = (v: string | undefined): string | undefined =>
  v === undefined || v === '' ? undefined : v;

export function readEnv(): Env {
  const e = process.env;
  const runId = nonEmpty(e.GITHUB_RUN_ID);
  const { GITHUB_TOKEN: _token, GH_TOKEN: _ghToken, ...childEnv } = e;
  return {
    args: process.argv.slice(2),
    childEnv,
    cwd: process.cwd(),
    githubOutput: nonEmpty(e.GITHUB_OUTPUT),
    githubStepSummary: nonEmpty(e.GITHUB_STEP_SUMMARY),
    cacheDir:
      nonEmpty(e.INFRA_CI_CACHE_DIR) ??
      (nonEmpty(e.XDG_CACHE_HOME) === undefined ? undefined : `${e.XDG_CACHE_HOME}/infra-ci`),
    github: {
      apiUrl: nonEmpty(e.GITHUB_API_URL) ?? 'https://api.github.com',
      token: nonEmpty(e.GITHUB_TOKEN) ?? nonEmpty(e.GH_TOKEN),
      repository: nonEmpty(e.GITHUB_REPOSITORY),
      runId: runId === undefined || !/^\d+$/.test(runId) ? undefined : Number(runId),
      eventPath: nonEmpty(e.GITHUB_EVENT_PATH),
    },
  };
}
