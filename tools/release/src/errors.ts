/** The one error type of the release tool: `code` is the process exit code the CLI edge uses. */
export class ReleaseError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'ReleaseError';
  }
}
