/**
 * Error codes: CONFIG (bad env/flags), KUBE (Kubernetes API), GA (Global Accelerator API),
 * ROUTE53 (Route 53 API), STATE (persisted state unreadable), CONFLICT (a write lost its
 * resourceVersion precondition), FENCED (this replica cannot prove it leads, so it must not write),
 * TIMEOUT (a call or a round ran past its deadline), REFUSED (a manual request the machine said no
 * to, or would say no to in a dry run), WAITING (a condition that does not hold yet, such as ready
 * replicas: a normal wait, not a failure).
 */
export type ErrorCode =
  | 'CONFIG'
  | 'KUBE'
  | 'GA'
  | 'ROUTE53'
  | 'STATE'
  | 'CONFLICT'
  | 'FENCED'
  | 'TIMEOUT'
  | 'REFUSED'
  | 'WAITING';

/**
 * The one error type of this package; caught once at the CLI edge (exit code 2 for CONFIG, 3 for
 * REFUSED, 1 otherwise).
 */
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

export function isCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof FailoverError && error.code === code;
}

/**
 * `signal` combined with a per-call timeout: every remote call gets both. The timeout is a timer
 * of our own, not AbortSignal.timeout: Node 20 drops a garbage-collected AbortSignal.timeout()
 * source of AbortSignal.any(), which then never aborts (measured: after gc() it stays
 * un-aborted); the pending timer's closure keeps this controller alive until it fires.
 */
export function callSignal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const own = new AbortController();
  const timer = setTimeout(() => {
    own.abort(new FailoverError('TIMEOUT', `no answer within ${timeoutMs} ms`, true));
  }, timeoutMs);
  timer.unref?.();
  own.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return signal ? AbortSignal.any([signal, own.signal]) : own.signal;
}

/**
 * Races `work` against `signal`: rejects with TIMEOUT as soon as the signal aborts, even when the
 * work ignores the signal (a hung socket, a library that drops it). The work is not awaited further.
 */
export function bounded<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortError(signal: AbortSignal, what: string): FailoverError {
  const reason = signal.reason;
  if (reason instanceof FailoverError) return reason;
  const why = reason instanceof Error ? reason.message : String(reason);
  return new FailoverError('TIMEOUT', `${what}: aborted (${why})`, true);
}

/** A sleep that ends early (rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal, 'sleep'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal, 'sleep'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
