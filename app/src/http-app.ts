import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createAccessLog } from './access-log.js';
import type { Config } from './config.js';
import { parseDuration } from './duration.js';
import { AppError, errorBody } from './errors.js';
import { decideFault, type Random } from './fault.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { prefersHtml } from './negotiate.js';
import { identityHtml, identityJson } from './pages.js';
import { tokenBucket } from './rate-limit.js';
import { requestIdFrom } from './request-id.js';
import { matchRoute, metricMethod, type RouteMatch } from './routes.js';

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

/** Largest request body accepted (and ignored); larger or unknown-length bodies get 413. */
export const MAX_BODY_BYTES = 1024;

export interface HttpAppDeps {
  config: Config;
  lifecycle: Lifecycle;
  logger: Logger;
  metrics: Metrics;
  /** Uniform [0,1) source for fault injection; `Math.random` in production. */
  random: Random;
  /**
   * Answers on one keep-alive connection before it is closed (`Connection: close` on the last):
   * spreads a long-lived client over pods as they scale. Node's own `maxRequestsPerSocket` only
   * sets the header and answers later requests 503 without closing, so it is counted here.
   */
  maxRequestsPerSocket?: number;
}

const SERVED = Symbol('answers on this connection');
type CountedSocket = { [SERVED]?: number };

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

type FoundRoute = Extract<RouteMatch, { kind: 'found' }>;

/** Per-request state carried to the single place that writes the response and the access line. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  match: RouteMatch;
  route: string;
  path: string;
  requestId: string;
  start: number;
  done: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** An answer decided without I/O; the runner's `send` writes it. */
interface Answer {
  status: number;
  type: string;
  body: string | Buffer;
  extra?: Record<string, string> | undefined;
}

/** What to do with a request: answer (now or when a promise settles), or take `next` after `waitMs`. */
type Step = Answer | Promise<Answer> | { waitMs: number; next: (ex: Exchange) => Step };

const json = (status: number, body: string, extra?: Record<string, string>): Answer => ({
  status,
  type: JSON_TYPE,
  body,
  extra,
});

// Fixed answers, built once: the probes' hot path allocates no body.
const INTERNAL = json(500, errorBody('INTERNAL', 'internal server error'));
const HEALTHY = json(200, '{"status":"ok"}');
const READY = json(200, '{"status":"ready"}');

/** The answer to an {@link AppError}: its status, code and message, with the headers it calls for. */
function errorAnswer(error: AppError): Answer {
  const extra: Record<string, string> | undefined =
    error.status === 405
      ? { allow: String(error.detail.allow ?? 'GET, HEAD') }
      : error.status === 429
        ? { 'retry-after': '1' }
        : undefined;
  return json(error.status, errorBody(error.code, error.message), extra);
}

/** The response headers every answer carries. */
function headersFor(answer: Answer, requestId: string, close: boolean) {
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

/** Reads the request line into an {@link Exchange}. */
function exchangeFor(req: IncomingMessage, res: ServerResponse): Exchange {
  const start = performance.now();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  const match = matchRoute(method, path);
  return {
    req,
    res,
    method: method.length <= 16 ? method : '_OTHER',
    match,
    route: match.route,
    path: path.length <= 256 ? path : `${path.slice(0, 256)}…`,
    requestId: requestIdFrom(req.headers['x-request-id']),
    start,
    done: false,
    timer: undefined,
  };
}

/** The route to serve, or the {@link AppError} a request is refused with before routing. */
function admit(ex: Exchange): FoundRoute {
  const { match } = ex;
  if (hasLargeBody(ex.req)) {
    ex.res.shouldKeepAlive = false;
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `request bodies are not accepted (max ${MAX_BODY_BYTES} bytes)`,
    );
  }
  if (match.kind === 'not-found') throw new AppError('NOT_FOUND', 'no such route');
  if (match.kind === 'method-not-allowed') {
    throw new AppError('METHOD_NOT_ALLOWED', `method ${ex.method} is not allowed`, {
      allow: match.allow,
    });
  }
  return match;
}

/**
 * Builds the request handler: routing, content negotiation, fault injection, metrics and access
 * logs. The routes decide an {@link Answer} (or a wait); {@link runner} carries it out.
 */
export function createHttpApp(deps: HttpAppDeps): RequestHandler {
  const { config, random } = deps;
  const fault = {
    errorRate: config.faultErrorRate,
    latencyMs: config.faultLatencyMs,
    latencyRate: config.faultLatencyRate,
  };
  const route = routes(deps);
  const run = runner(deps);
  const serve = (ex: Exchange): Step => route(ex, admit(ex).param);
  const faulty = (ex: Exchange): Step => {
    const found = admit(ex);
    if (!found.faultable) return route(ex, found.param);
    const decision = decideFault(fault, random);
    const served = (ex: Exchange) => {
      if (decision.fail) throw new AppError('FAULT_INJECTED', 'injected fault');
      return route(ex, found.param);
    };
    return decision.extraLatencyMs > 0
      ? { waitMs: decision.extraLatencyMs, next: served }
      : served(ex);
  };
  const decide = fault.errorRate + fault.latencyMs > 0 ? faulty : serve;
  return function handle(req, res) {
    run(exchangeFor(req, res), decide);
  };
}

/** True when this answer is the last one its connection may carry (`max` ≤ 0: no limit). */
function lastOnSocket(req: IncomingMessage, max: number): boolean {
  if (max <= 0) return false;
  const socket = req.socket as unknown as CountedSocket;
  const served = (socket[SERVED] ?? 0) + 1;
  socket[SERVED] = served;
  return served >= max;
}

/**
 * The I/O side: runs a request's steps, waits (a client going away first is logged as 499),
 * turns {@link AppError}s into JSON once, in `fail`, and writes each response and its access line
 * once, in `send`.
 */
function runner(deps: HttpAppDeps): (ex: Exchange, step: (ex: Exchange) => Step) => void {
  const { lifecycle, logger, metrics } = deps;
  const accessLog = createAccessLog(logger, deps.config.accessLogLevel);
  const maxPerSocket = deps.maxRequestsPerSocket ?? 0;

  function send(ex: Exchange, answer: Answer): void {
    if (ex.done) return;
    ex.done = true;
    if (!ex.res.destroyed) {
      const close = lifecycle.draining || lastOnSocket(ex.req, maxPerSocket);
      ex.res.writeHead(answer.status, headersFor(answer, ex.requestId, close));
      ex.res.end(answer.body);
    }
    finish(ex, answer.status);
  }

  function finish(ex: Exchange, status: number): void {
    const seconds = (performance.now() - ex.start) / 1000;
    metrics.recordRequest(metricMethod(ex.method), ex.route, status, seconds);
    accessLog?.({
      method: ex.method,
      route: ex.route,
      path: ex.path,
      status,
      durationMs: Math.round(seconds * 1e6) / 1e3,
      requestId: ex.requestId,
    });
  }

  function fail(ex: Exchange, error: unknown): void {
    if (!(error instanceof AppError)) {
      logger.error({ err: error, request_id: ex.requestId, route: ex.route }, 'unhandled error');
    }
    send(ex, error instanceof AppError ? errorAnswer(error) : INTERNAL);
  }

  function run(ex: Exchange, step: (ex: Exchange) => Step): void {
    try {
      const next = step(ex);
      if (next instanceof Promise) {
        next.then(
          (answer) => send(ex, answer),
          (error: unknown) => fail(ex, error),
        );
      } else if ('waitMs' in next) later(ex, next.waitMs, next.next);
      else send(ex, next);
    } catch (error) {
      fail(ex, error);
    }
  }

  function later(ex: Exchange, ms: number, step: (ex: Exchange) => Step): void {
    ex.timer = setTimeout(() => {
      ex.timer = undefined;
      run(ex, step);
    }, ms);
    ex.res.once('close', () => {
      if (ex.timer === undefined || ex.done) return;
      clearTimeout(ex.timer);
      ex.done = true;
      finish(ex, 499);
    });
  }

  return run;
}

/** The routes: each decides its answer (or a wait) from the request and the service's state. */
function routes(deps: HttpAppDeps): (ex: Exchange, param: string) => Step {
  const { config, lifecycle, metrics } = deps;
  // Bodies are strings, not Buffers: Node then joins the header block and the body into one
  // string, so the socket's writev carries two chunks instead of three.
  const rootJson = identityJson(config, `node ${process.version}`);
  const rootHtml = identityHtml(config);
  const scrapeTurn = tokenBucket(METRICS_PER_SECOND, METRICS_PER_SECOND, METRICS_MAX_WAIT_MS);
  const scrape = async (): Promise<Answer> => ({
    status: 200,
    type: METRICS_TYPE,
    body: await metrics.render(),
  });
  return (ex, param) => {
    switch (ex.route) {
      case '/': {
        const html = prefersHtml(ex.req.headers.accept);
        const type = html ? HTML_TYPE : JSON_TYPE;
        return { status: 200, type, body: html ? rootHtml : rootJson, extra: { vary: 'Accept' } };
      }
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

function hasLargeBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > MAX_BODY_BYTES;
  return req.headers['transfer-encoding'] !== undefined;
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
