/** Error codes: CONFIG (bad env/flags), KUBE (Kubernetes API), GA (Global Accelerator API), STATE (persisted state unreadable). */
export type ErrorCode = 'CONFIG' | 'KUBE' | 'GA' | 'STATE';

/** The one error type of this package; caught once at the CLI edge (exit code 2 for CONFIG, 1 otherwise). */
export class FailoverError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'FailoverError';
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
