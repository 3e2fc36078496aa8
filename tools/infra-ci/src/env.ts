/** The only module that reads process.env / process.argv. It imports nothing else of ours. */
export interface Env {
  /** Command-line arguments after `node main.js`. */
  readonly args: string[];
  /** Working directory the CLI was started in. */
  readonly cwd: string;
  /** Path of the GitHub Actions step-output file, when running in Actions. */
  readonly githubOutput: string | undefined;
}

export function readEnv(): Env {
  const out = process.env.GITHUB_OUTPUT;
  return {
    args: process.argv.slice(2),
    cwd: process.cwd(),
    githubOutput: out === undefined || out === '' ? undefined : out,
  };
}
