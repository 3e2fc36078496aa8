import type { Server } from 'node:http';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';

export interface ShutdownDeps {
  server: Server;
  lifecycle: Lifecycle;
  logger: Logger;
  /** Pre-stop delay: keep serving (readiness 503) so load balancers deregister the pod. */
  delayMs: number;
  /** Drain budget, counted from the end of the delay. */
  timeoutMs: number;
  /** Last work before exit (flush metrics/logs); bounded by what is left of the budget. */
  beforeExit?: () => Promise<void>;
}

/**
 * The pre-stop delay a signal gets. SIGTERM is how Kubernetes stops a pod (the image's
 * `STOPSIGNAL SIGTERM`), and the delay lets endpoints and load balancers take it out first. SIGINT
 * comes from Ctrl-C in a terminal (or a parent stopping its children), where nothing deregisters
 * anything, so it skips the delay — with or without a TTY, which keeps the rule simple and
 * testable; the drain of in-flight requests still runs. Pure.
 */
export function preStopDelayMs(signal: string, delayMs: number): number {
  return signal === 'SIGINT' ? 0 : delayMs;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The graceful shutdown sequence. Resolves with the exit code: 0 when every in-flight request
 * finished within the budget, 1 when leftover connections had to be force-closed.
 *
 * 1. readiness turns 503 at once (phase `stopping`), requests are still served;
 * 2. after `delayMs` (none for SIGINT, see {@link preStopDelayMs}), the listener closes, idle keep-alive connections are closed and responses
 *    carry `Connection: close` (phase `draining`);
 * 3. when the last connection ends, exit 0; if `timeoutMs` passes first, force-close and exit 1.
 */
export async function gracefulShutdown(deps: ShutdownDeps, signal: string): Promise<number> {
  const { server, lifecycle, logger } = deps;
  lifecycle.phase = 'stopping';
  const delayMs = preStopDelayMs(signal, deps.delayMs);
  logger.info(
    { signal, delay_ms: delayMs, timeout_ms: deps.timeoutMs },
    'shutdown: readiness off, serving through the pre-stop delay',
  );
  await sleep(delayMs);

  lifecycle.phase = 'draining';
  const drainStart = Date.now();
  const closed = new Promise<'closed'>((resolve) => server.close(() => resolve('closed')));
  server.closeIdleConnections();
  logger.info('shutdown: listener closed, draining in-flight requests');
  const outcome = await Promise.race([
    closed,
    sleep(deps.timeoutMs).then(() => 'timeout' as const),
  ]);

  let code = 0;
  if (outcome === 'timeout') {
    logger.warn({ timeout_ms: deps.timeoutMs }, 'shutdown: drain budget exceeded, force-closing');
    server.closeAllConnections();
    code = 1;
  } else {
    logger.info({ drain_ms: Date.now() - drainStart }, 'shutdown: drained');
  }
  if (deps.beforeExit !== undefined) {
    const left = Math.max(100, deps.timeoutMs - (Date.now() - drainStart));
    await Promise.race([deps.beforeExit().catch(() => undefined), sleep(left)]);
  }
  logger.info({ exit_code: code }, 'shutdown: exiting');
  return code;
}
