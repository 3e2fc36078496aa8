/** Codes of the JSON error bodies this service answers: `{"error":{"code","message"}}`. */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUESTED_ERROR'
  | 'FAULT_INJECTED'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL';

/**
 * The one error type the HTTP layer throws: carries the status and a message safe to show the
 * client. Anything else reaching the edge is logged and answered as a generic 500.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Serialises an error body. */
export function errorBody(code: HttpErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
