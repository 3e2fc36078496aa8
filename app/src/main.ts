import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type Config, loadConfig } from './config.js';
import { AppError } from './errors.js';
import { bufferedStdout, createLogger, LOG_EXIT_WAIT_MS } from './logger.js';
import type { ExtraReaders } from './metrics.js';
import { startService } from './service.js';

// Entry point: only wiring. Validate config, build the service, hook signals.

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

function configOrExit(): Config {
  try {
    return loadConfig({ version: packageVersion(), hostname: hostname() });
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`demo-app: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = configOrExit();
const logDestination = bufferedStdout({
  service: 'demo-app',
  pod: config.pod,
  version: config.version,
});
const logger = createLogger({
  level: config.logLevel,
  pod: config.pod,
  version: config.version,
  destination: logDestination,
});
// Log lines are buffered (logger.ts): write out what is held on every way out of the process,
// waiting a bounded time for a slow reader. 'exit' is emitted for process.exit(), an empty event
// loop and an uncaught exception alike.
const flushLogs = () => logDestination.flushSync(LOG_EXIT_WAIT_MS);
process.on('exit', flushLogs);
const metricReaders: ExtraReaders | undefined =
  config.otlpEndpoint === undefined
    ? undefined
    : async (producers) => [
        await (await import('./otlp.js')).createOtlpReader(producers, {
          intervalMs: config.otlpIntervalMs,
          onFailure: (failures, reason) =>
            logger.warn({ failures, reason }, 'metrics export failed'),
        }),
      ];

const exit = (code: number) => {
  flushLogs();
  process.exitCode = code;
  setTimeout(() => process.exit(code), 50).unref();
};

try {
  const service = await startService(config, {
    logger,
    metricReaders,
    droppedLogLines: logDestination.dropped,
  });
  service.ready.catch((error: unknown) => {
    logger.fatal({ err: error }, 'failed to load metrics');
    exit(1);
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      exit(1);
      return;
    }
    signalled = true;
    service.shutdown(signal).then(exit, (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} catch (error) {
  if (error instanceof AppError) {
    // An expected cause (address in use, unknown HOST...): what to fix, without a stack trace.
    logger.fatal({ ...error.detail, reason: error.message }, 'failed to start');
  } else {
    logger.fatal({ err: error }, 'failed to start');
  }
  exit(1);
}
