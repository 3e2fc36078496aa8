import type { Server } from 'node:http';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { Config } from './config.js';
import type { Random } from './fault.js';
import { createHttpApp } from './http-app.js';
import { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createHttpServer, listen, serverLimits } from './server.js';
import { gracefulShutdown } from './shutdown.js';

export interface ServiceDeps {
  logger: Logger;
  random?: Random;
  /** Extra metric readers, e.g. the OTLP periodic exporter. */
  metricReaders?: MetricReader[];
}

/** A running service: its listener, phase and the shutdown sequence. */
export interface Service {
  server: Server;
  port: number;
  lifecycle: Lifecycle;
  metrics: Metrics;
  /** Runs the graceful shutdown; resolves with the exit code. */
  shutdown(signal: string): Promise<number>;
}

/** Builds and starts the service from a validated config; readiness turns 200 once listening. */
export async function startService(config: Config, deps: ServiceDeps): Promise<Service> {
  const lifecycle = new Lifecycle();
  const metrics = createMetrics(
    { version: config.version, pod: config.pod, region: config.awsRegion },
    deps.metricReaders,
  );
  const handler = createHttpApp({
    config,
    lifecycle,
    logger: deps.logger,
    metrics,
    random: deps.random ?? Math.random,
  });
  const server = createHttpServer(handler, serverLimits(config.maxDelayMs + config.faultLatencyMs));
  const port = await listen(server, config.port, config.host);
  lifecycle.phase = 'ready';
  deps.logger.info({ host: config.host, port, region: config.awsRegion }, 'listening');
  let running: Promise<number> | undefined;
  return {
    server,
    port,
    lifecycle,
    metrics,
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
