/**
 * The ONLY module of the release tool that reads process.env or argv; it imports nothing else of
 * ours. Values are passed on as plain data and validated where they are used.
 */
export interface ReleaseEnv {
  readonly argv: readonly string[];
  /** GITHUB_API_URL, default https://api.github.com (a local stand-in in tests). */
  readonly apiUrl: string;
  /** GITHUB_REPOSITORY, owner/name. */
  readonly repository: string | undefined;
  /** GITHUB_TOKEN. */
  readonly token: string | undefined;
  /** GITHUB_OUTPUT: the step-output file of GitHub Actions, if running there. */
  readonly outputFile: string | undefined;
  /** GITHUB_SERVER_URL, default https://github.com: the push token is sent to its URLs only. */
  readonly serverUrl: string;
}

export function readEnv(): ReleaseEnv {
  const e = process.env;
  const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  return {
    argv: process.argv,
    apiUrl: nonEmpty(e.GITHUB_API_URL) ?? 'https://api.github.com',
    repository: nonEmpty(e.GITHUB_REPOSITORY),
    token: nonEmpty(e.GITHUB_TOKEN),
    outputFile: nonEmpty(e.GITHUB_OUTPUT),
    serverUrl: nonEmpty(e.GITHUB_SERVER_URL) ?? 'https://github.com',
  };
}
