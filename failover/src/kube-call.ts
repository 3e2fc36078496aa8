import {
  ApiException,
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import { bounded, callSignal, describeError, FailoverError } from './errors.js';

/**
 * One Kubernetes call through @kubernetes/client-node with a deadline: the caller's signal (the
 * round deadline, the leadership fence) combined with `timeoutMs`, set on the request through
 * client-node's per-call middleware (RequestContext.setSignal; its fetch honours it), and raced
 * by `bounded` in case a layer drops the signal. Maps ApiException to FailoverError (code KUBE,
 * message "<what>: HTTP <status> <message>").
 */
export async function kubeCall<T>(
  timeoutMs: number,
  what: string,
  signal: AbortSignal | undefined,
  run: (opts: ConfigurationOptions) => Promise<T>,
  contentType?: string,
): Promise<T> {
  const limit = callSignal(signal, timeoutMs);
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(limit);
      if (contentType) ctx.setHeaderParam('Content-Type', contentType);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res) => new Observable(Promise.resolve(res)),
  };
  try {
    // client-node 1.x: the object API hands options to the Observable API
    // (dist/gen/types/ObjectParamAPI.js), so per-call middleware is Observable middleware.
    const options: ConfigurationOptions = {
      middleware: [middleware],
      middlewareMergeStrategy: 'append',
    };
    return await bounded(run(options), limit, what);
  } catch (error) {
    throw toFailoverError(what, error);
  }
}

export function isStatus(error: unknown, code: number): boolean {
  return (
    (error instanceof FailoverError && error.message.includes(`HTTP ${code}`)) ||
    (error instanceof ApiException && error.code === code)
  );
}

function toFailoverError(what: string, error: unknown): FailoverError {
  if (error instanceof FailoverError) return error;
  if (error instanceof ApiException) {
    const body = error.body as unknown;
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : typeof body === 'string'
          ? (tryMessage(body) ?? body.slice(0, 200))
          : '';
    return new FailoverError('KUBE', `${what}: HTTP ${error.code} ${message}`, error.code >= 500);
  }
  return new FailoverError('KUBE', `${what} failed: ${describeError(error)}`, true);
}

function tryMessage(text: string): string | null {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    return typeof m === 'string' ? m : null;
  } catch {
    return null;
  }
}
