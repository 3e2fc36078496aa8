/**
 * The ONLY module of actions-check that reads process.env or argv; it imports nothing else of ours.
 */
export interface PreflightEnv {
  readonly argv: readonly string[];
  /** VARS_JSON: toJSON(vars) as the job sees it. */
  readonly varsJson: string | undefined;
  /** SECRET_SET_<NAME> → value, for every such variable. */
  readonly secretSet: Readonly<Record<string, string>>;
  /** GITHUB_REPOSITORY, owner/name. */
  readonly repository: string | undefined;
  /** GITHUB_OUTPUT: the step-output file of GitHub Actions, if running there. */
  readonly outputFile: string | undefined;
}

export function readEnv(): PreflightEnv {
  const e = process.env;
  const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  return {
    argv: process.argv.slice(2),
    varsJson: nonEmpty(e.VARS_JSON),
    secretSet: Object.fromEntries(
      Object.entries(e)
        .filter(([k]) => k.startsWith('SECRET_SET_'))
        .map(([k, v]) => [k.slice('SECRET_SET_'.length), v ?? '']),
    ),
    repository: nonEmpty(e.GITHUB_REPOSITORY),
    outputFile: nonEmpty(e.GITHUB_OUTPUT),
  };
}
