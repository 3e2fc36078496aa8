import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type AccessRecord, createAccessLog } from './access-log.js';
import {
  type Answer,
  errorAnswer,
  headersFor,
  INTERNAL,
  type RouteRequest,
  routes,
  type Step,
} from './answers.js';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import { decideFault, type Random } from './fault.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { requestIdFrom } from './request-id.js';
import { matchRoute, metricMethod, type RouteMatch } from './routes.js';

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

type FoundRoute = Extract<RouteMatch, { kind: 'found' }>;

/**
 * Per-request state carried to the single place that writes the response and the access line;
 * once finished it is also the access line's record (no second object per request).
 */
interface Exchange extends AccessRecord {
  req: IncomingMessage;
  res: ServerResponse;
  match: RouteMatch;
  start: number;
  done: boolean;
  timer: NodeJS.Timeout | undefined;
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
    status: 0,
    durationMs: 0,
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
    const served = (request: RouteRequest) => {
      if (decision.fail) throw new AppError('FAULT_INJECTED', 'injected fault');
      return route(request, found.param);
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
    if (accessLog === undefined) return;
    ex.status = status;
    ex.durationMs = Math.round(seconds * 1e6) / 1e3;
    accessLog(ex);
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

function hasLargeBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > MAX_BODY_BYTES;
  return req.headers['transfer-encoding'] !== undefined;
}
