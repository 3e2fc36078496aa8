import type { Config } from './config.js';
import { parseDuration } from './duration.js';
import { AppError, errorBody } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { Metrics } from './metrics.js';
import { prefersHtml } from './negotiate.js';
import { identityHtml, identityJson, PAGE_CSP } from './pages.js';
import { tokenBucket } from './rate-limit.js';

// The decision side of the HTTP edge: what each route answers, as plain data. http-app.ts reads
// the request and writes the answer.

/**
 * Most `/metrics` answers per second (bursts of as many): a scrape can be hundreds of KiB, so
 * clients pulling it as fast as they can would otherwise take the CPU from probes and traffic.
 * A scrape past the rate waits its turn, up to {@link METRICS_MAX_WAIT_MS} (which also slows down
 * whoever pulls in a loop); past that the answer is a small 429. Prometheus scrapes a target every
 * few seconds at most.
 */
export const METRICS_PER_SECOND = 20;
/** Longest a scrape waits for its turn before it is answered 429. */
export const METRICS_MAX_WAIT_MS = 1000;

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/** What a route reads of a request: its route template, its URL and its `Accept` header. */
export interface RouteRequest {
  route: string;
  req: { url?: string | undefined; headers: { accept?: string | undefined } };
}

/** An answer decided without I/O; http-app.ts's runner writes it. */
export interface Answer {
  status: number;
  type: string;
  body: string | Buffer;
  extra?: Record<string, string> | undefined;
}

/** What to do with a request: answer (now or when a promise settles), or take `next` after `waitMs`. */
export type Step =
  | Answer
  | Promise<Answer>
  | { waitMs: number; next: (request: RouteRequest) => Step };

const json = (status: number, body: string, extra?: Record<string, string>): Answer => ({
  status,
  type: JSON_TYPE,
  body,
  extra,
});

// Fixed answers, built once: the probes' hot path allocates no body.
export const INTERNAL = json(500, errorBody('INTERNAL', 'internal server error'));
const HEALTHY = json(200, '{"status":"ok"}');
const READY = json(200, '{"status":"ready"}');

/** The answer to an {@link AppError}: its status, code and message, with the headers it calls for. */
export function errorAnswer(error: AppError): Answer {
  const extra: Record<string, string> | undefined =
    error.status === 405
      ? { allow: String(error.detail.allow ?? 'GET, HEAD') }
      : error.status === 429
        ? { 'retry-after': '1' }
        : undefined;
  return json(error.status, errorBody(error.code, error.message), extra);
}

/** The response headers every answer carries. */
export function headersFor(answer: Answer, requestId: string, close: boolean) {
  const headers: Record<string, string | number> = {
    'content-type': answer.type,
    'content-length': Buffer.byteLength(answer.body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': answer.type === HTML_TYPE ? HTML_CSP : JSON_CSP,
    'x-request-id': requestId,
  };
  if (close) headers.connection = 'close';
  if (answer.extra !== undefined) Object.assign(headers, answer.extra);
  return headers;
}

/** The routes: each decides its answer (or a wait) from the request and the service's state. */
export function routes(deps: {
  config: Config;
  lifecycle: Lifecycle;
  metrics: Pick<Metrics, 'render'>;
}): (ex: RouteRequest, param: string) => Step {
  const { config, lifecycle, metrics } = deps;
  // Bodies are strings, not Buffers: Node then joins the header block and the body into one
  // string, so the socket's writev carries two chunks instead of three.
  const runtime = `node ${process.version}`;
  // Built once, like the probes' answers: `GET /` allocates no answer either. The page's own CSP
  // (its script and style by hash, pages.ts) replaces the HTML default.
  const rootJson = json(200, identityJson(config, runtime), { vary: 'Accept' });
  const rootHtml: Answer = {
    status: 200,
    type: HTML_TYPE,
    body: identityHtml(config, runtime),
    extra: { vary: 'Accept', 'content-security-policy': PAGE_CSP },
  };
  const scrapeTurn = tokenBucket(METRICS_PER_SECOND, METRICS_PER_SECOND, METRICS_MAX_WAIT_MS);
  const scrape = async (): Promise<Answer> => ({
    status: 200,
    type: METRICS_TYPE,
    body: await metrics.render(),
  });
  return (ex, param) => {
    switch (ex.route) {
      case '/':
        return prefersHtml(ex.req.headers.accept) ? rootHtml : rootJson;
      case '/delay/{duration}': {
        const ms = parseDuration(param, config.maxDelayMs);
        if (ms === undefined) {
          throw new AppError(
            'BAD_REQUEST',
            `duration must look like 250ms, 1s or 250, at most ${config.maxDelayMs}ms`,
          );
        }
        return {
          waitMs: ms,
          next: () => json(200, JSON.stringify({ delay_ms: ms, pod: config.pod })),
        };
      }
      case '/error': {
        const code = errorCodeFrom(ex.req.url ?? '');
        return json(code, errorBody('REQUESTED_ERROR', `error requested with status ${code}`));
      }
      case '/healthz':
        return HEALTHY;
      case '/readyz':
        return lifecycle.ready ? READY : json(503, JSON.stringify({ status: lifecycle.phase }));
      case '/metrics': {
        const waitMs = scrapeTurn();
        if (waitMs === undefined) {
          throw new AppError(
            'TOO_MANY_REQUESTS',
            `at most ${METRICS_PER_SECOND} scrapes per second`,
          );
        }
        return waitMs > 0 ? { waitMs, next: scrape } : scrape();
      }
    }
    throw new Error(`no handler for route ${ex.route}`);
  };
}

const STATUS_5XX = /^5\d\d$/;

/** Status requested by `/error?code=NNN`: 500 by default; 400 (thrown) unless 500-599. */
export function errorCodeFrom(url: string): number {
  const q = url.indexOf('?');
  if (q === -1) return 500;
  const code = new URLSearchParams(url.slice(q + 1)).get('code');
  if (code === null) return 500;
  if (!STATUS_5XX.test(code)) {
    throw new AppError('BAD_REQUEST', 'code must be an HTTP status between 500 and 599');
  }
  return Number(code);
}
