import type { Server } from 'node:http';
import type { Config } from './config.js';
import type { Random } from './fault.js';
import { createHttpApp } from './http-app.js';
import { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { ExtraReaders, Metrics } from './metrics.js';
import { deferMetrics } from './metrics-deferred.js';
import { ConnectionGuard, createHttpServer, listen, serverLimits } from './server.js';
import { gracefulShutdown } from './shutdown.js';
import { serviceUrl } from './url.js';

export interface ServiceDeps {
  logger: Logger;
  random?: Random;
  /** Builds extra metric readers (e.g. the OTLP periodic exporter) once the SDK is loaded. */
  metricReaders?: ExtraReaders;
  /** Log lines dropped so far (exported as `log_lines_dropped_total`). */
  droppedLogLines?: () => number;
}

/** A running service: its listener, phase and the shutdown sequence. */
export interface Service {
  server: Server;
  port: number;
  lifecycle: Lifecycle;
  metrics: Metrics;
  /** Resolves once the metrics SDK is loaded and readiness has turned 200. */
  ready: Promise<void>;
  /** Runs the graceful shutdown; resolves with the exit code. */
  shutdown(signal: string): Promise<number>;
}

/**
 * Builds and starts the service from a validated config. It listens first and loads the
 * OpenTelemetry SDK afterwards (a dynamic import: the slowest part of the start), so it answers
 * early; readiness turns 200 once metrics are loaded. Measurements taken before are replayed.
 */
export async function startService(config: Config, deps: ServiceDeps): Promise<Service> {
  const lifecycle = new Lifecycle();
  const identity = { version: config.version, pod: config.pod, region: config.awsRegion };
  const limits = serverLimits(config.maxConnections);
  const connections = new ConnectionGuard(limits.maxConnections);
  const metrics = deferMetrics(async () => {
    const { createMetrics } = await import('./metrics.js');
    return createMetrics(identity, deps.metricReaders, {
      rejectedConnections: () => connections.rejected,
      ...(deps.droppedLogLines ? { droppedLogLines: deps.droppedLogLines } : {}),
    });
  });
  const handler = createHttpApp({
    config,
    lifecycle,
    logger: deps.logger,
    metrics,
    random: deps.random ?? Math.random,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
  });
  const server = createHttpServer(handler, limits, connections);
  const port = await listen(server, config.port, config.host);
  const url = serviceUrl(config.host, port);
  deps.logger.info({ host: config.host, port, url, region: config.awsRegion }, 'listening');
  // Lines are buffered (logger.ts); lifecycle lines are written at once, supervisors wait for them.
  deps.logger.flush();
  const ready = metrics.loaded.then(() => {
    if (lifecycle.phase === 'starting') lifecycle.phase = 'ready';
    deps.logger.info('ready');
    deps.logger.flush();
  });
  let running: Promise<number> | undefined;
  return {
    server,
    port,
    lifecycle,
    metrics,
    ready,
    shutdown(signal) {
      running ??= gracefulShutdown(
        {
          server,
          lifecycle,
          logger: deps.logger,
          delayMs: config.shutdownDelayMs,
          timeoutMs: config.shutdownTimeoutMs,
          beforeExit: () => metrics.shutdown(),
        },
        signal,
      );
      return running;
    },
  };
}
