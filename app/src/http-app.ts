import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createAccessLog } from './access-log.js';
import type { Config } from './config.js';
import { parseDuration } from './duration.js';
import { errorBody, HttpError } from './errors.js';
import { decideFault, type Random } from './fault.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { prefersHtml } from './negotiate.js';
import { identityHtml, identityJson } from './pages.js';
import { tokenBucket } from './rate-limit.js';
import { requestIdFrom } from './request-id.js';
import { matchRoute, metricMethod } from './routes.js';

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

/** Per-request state carried to the single place that writes the response and the access line. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  route: string;
  path: string;
  requestId: string;
  start: number;
  done: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Builds the request handler: routing, content negotiation, fault injection, metrics and access
 * logs. Errors are thrown as {@link HttpError} and turned into JSON once, here.
 */
export function createHttpApp(deps: HttpAppDeps): RequestHandler {
  const { config, lifecycle, logger, metrics, random } = deps;
  // Bodies are strings, not Buffers: Node then joins the header block and the body into one
  // string, so the socket's writev carries two chunks instead of three.
  const rootJson = identityJson(config, `node ${process.version}`);
  const rootHtml = identityHtml(config);
  const healthBody = '{"status":"ok"}';
  const readyBody = '{"status":"ready"}';
  const fault = {
    errorRate: config.faultErrorRate,
    latencyMs: config.faultLatencyMs,
    latencyRate: config.faultLatencyRate,
  };
  const accessLog = createAccessLog(logger, config.accessLogLevel);
  const maxPerSocket = deps.maxRequestsPerSocket ?? 0;
  const scrapeTurn = tokenBucket(METRICS_PER_SECOND, METRICS_PER_SECOND, METRICS_MAX_WAIT_MS);

  /** True when this answer is the last one its connection may carry. */
  function lastOnSocket(req: IncomingMessage): boolean {
    if (maxPerSocket <= 0) return false;
    const socket = req.socket as unknown as CountedSocket;
    const served = (socket[SERVED] ?? 0) + 1;
    socket[SERVED] = served;
    return served >= maxPerSocket;
  }

  function send(
    ex: Exchange,
    status: number,
    type: string,
    body: string | Buffer,
    extra?: Record<string, string>,
  ): void {
    if (ex.done) return;
    ex.done = true;
    const { res } = ex;
    if (!res.destroyed) {
      const headers: Record<string, string | number> = {
        'content-type': type,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': type === HTML_TYPE ? HTML_CSP : JSON_CSP,
        'x-request-id': ex.requestId,
      };
      if (lifecycle.draining || lastOnSocket(ex.req)) headers.connection = 'close';
      if (extra !== undefined) Object.assign(headers, extra);
      res.writeHead(status, headers);
      res.end(body);
    }
    finish(ex, status);
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

  function sendError(ex: Exchange, error: unknown): void {
    if (error instanceof HttpError) {
      const extra: Record<string, string> | undefined =
        error.status === 405
          ? { allow: 'GET, HEAD' }
          : error.status === 429
            ? { 'retry-after': '1' }
            : undefined;
      send(ex, error.status, JSON_TYPE, errorBody(error.code, error.message), extra);
      return;
    }
    logger.error({ err: error, request_id: ex.requestId, route: ex.route }, 'unhandled error');
    send(ex, 500, JSON_TYPE, errorBody('INTERNAL', 'internal server error'));
  }

  /** Runs `fn` after `ms`, unless the client goes away first (logged as 499). */
  function later(ex: Exchange, ms: number, fn: () => void): void {
    ex.timer = setTimeout(() => {
      ex.timer = undefined;
      try {
        fn();
      } catch (error) {
        sendError(ex, error);
      }
    }, ms);
    ex.res.once('close', () => {
      if (ex.timer === undefined || ex.done) return;
      clearTimeout(ex.timer);
      ex.done = true;
      finish(ex, 499);
    });
  }

  function serveRoute(ex: Exchange, param: string): void {
    switch (ex.route) {
      case '/': {
        const html = prefersHtml(ex.req.headers.accept);
        send(ex, 200, html ? HTML_TYPE : JSON_TYPE, html ? rootHtml : rootJson, { vary: 'Accept' });
        return;
      }
      case '/delay/{duration}': {
        const ms = parseDuration(param, config.maxDelayMs);
        if (ms === undefined) {
          throw new HttpError(
            400,
            'BAD_REQUEST',
            `duration must look like 250ms, 1s or 250, at most ${config.maxDelayMs}ms`,
          );
        }
        later(ex, ms, () =>
          send(ex, 200, JSON_TYPE, JSON.stringify({ delay_ms: ms, pod: config.pod })),
        );
        return;
      }
      case '/error': {
        const code = errorCodeFrom(ex.req.url ?? '');
        send(
          ex,
          code,
          JSON_TYPE,
          errorBody('REQUESTED_ERROR', `error requested with status ${code}`),
        );
        return;
      }
      case '/healthz':
        send(ex, 200, JSON_TYPE, healthBody);
        return;
      case '/readyz':
        if (lifecycle.ready) send(ex, 200, JSON_TYPE, readyBody);
        else send(ex, 503, JSON_TYPE, JSON.stringify({ status: lifecycle.phase }));
        return;
      case '/metrics': {
        const waitMs = scrapeTurn();
        if (waitMs === undefined) {
          throw new HttpError(
            429,
            'TOO_MANY_REQUESTS',
            `at most ${METRICS_PER_SECOND} scrapes per second`,
          );
        }
        const scrape = () =>
          metrics.render().then(
            (text) => send(ex, 200, METRICS_TYPE, text),
            (error: unknown) => sendError(ex, error),
          );
        if (waitMs > 0) later(ex, waitMs, scrape);
        else void scrape();
        return;
      }
    }
  }

  return function handle(req, res) {
    const start = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const match = matchRoute(method, path);
    const ex: Exchange = {
      req,
      res,
      method: method.length <= 16 ? method : '_OTHER',
      route: match.route,
      path: path.length <= 256 ? path : `${path.slice(0, 256)}…`,
      requestId: requestIdFrom(req.headers['x-request-id']),
      start,
      done: false,
      timer: undefined,
    };
    try {
      if (hasLargeBody(req)) {
        res.shouldKeepAlive = false;
        throw new HttpError(
          413,
          'PAYLOAD_TOO_LARGE',
          `request bodies are not accepted (max ${MAX_BODY_BYTES} bytes)`,
        );
      }
      if (match.kind === 'not-found') throw new HttpError(404, 'NOT_FOUND', 'no such route');
      if (match.kind === 'method-not-allowed') {
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `method ${ex.method} is not allowed`);
      }
      if (match.faultable && fault.errorRate + fault.latencyMs > 0) {
        const decision = decideFault(fault, random);
        const run = () => {
          if (decision.fail) throw new HttpError(500, 'FAULT_INJECTED', 'injected fault');
          serveRoute(ex, match.param);
        };
        if (decision.extraLatencyMs > 0) later(ex, decision.extraLatencyMs, run);
        else run();
        return;
      }
      serveRoute(ex, match.param);
    } catch (error) {
      sendError(ex, error);
    }
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
    throw new HttpError(400, 'BAD_REQUEST', 'code must be an HTTP status between 500 and 599');
  }
  return Number(code);
}
