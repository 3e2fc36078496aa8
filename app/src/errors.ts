/**
 * Every error code of the service and the HTTP status it answers with. `CONFIG_INVALID` and
 * `START_FAILED` never reach a client: the process edge (`main.ts`) prints them and exits 1.
 */
const STATUS = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  REQUESTED_ERROR: 500,
  FAULT_INJECTED: 500,
  INTERNAL: 500,
  CONFIG_INVALID: 500,
  START_FAILED: 500,
} as const;

export type AppErrorCode = keyof typeof STATUS;

/**
 * The one error type of the service, thrown deep and caught once at an edge: the HTTP edge
 * (`http-app.ts`) answers `{"error":{"code","message"}}` with {@link AppError.status}; the process
 * edge (`main.ts`) prints the message and exits 1. `message` is safe to show; `detail` holds facts
 * for the log line (the variable to fix, the address, the `Allow` header), never sent as a body.
 * Anything else reaching an edge is logged with its stack and answered as a generic 500.
 */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly detail: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  /** The environment variable to fix, when one is at fault. */
  get variable(): string | undefined {
    const variable = this.detail.variable;
    return typeof variable === 'string' ? variable : undefined;
  }
}

/** Serialises an error body. */
export function errorBody(code: AppErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
