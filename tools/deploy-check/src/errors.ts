/** Codes of the errors that stop a run before any finding can be reported (exit code 2). */
export type DeployCheckErrorCode = 'USAGE' | 'NOT_FOUND' | 'TOOL' | 'INFRA' | 'E2E';

/**
 * The one error type of deploy-check: thrown deep (bad arguments, missing deploy folder, kubectl
 * missing) and caught once in the CLI. Findings about the manifests are data, never exceptions.
 */
export class DeployCheckError extends Error {
  override readonly name = 'DeployCheckError';
  constructor(
    readonly code: DeployCheckErrorCode,
    message: string,
  ) {
    super(message);
  }
}
