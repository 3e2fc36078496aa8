import { Writable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import { type Config, parseConfig } from '../../src/config.js';
import type { Random } from '../../src/fault.js';
import { createLogger } from '../../src/logger.js';
import { type Service, startService } from '../../src/service.js';

export interface InProcessApp {
  service: Service;
  url: string;
  config: Config;
  /** Parsed JSON log lines written so far. */
  logs(): Record<string, unknown>[];
}

/** Request options of a browser asking for a page (its usual Accept header). */
export const asBrowser = { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } };

/** Starts the service in this process on 127.0.0.1 with a random port and captured logs. */
export async function startInProcess(
  env: Record<string, string> = {},
  random?: Random,
): Promise<InProcessApp> {
  const config = parseConfig(
    { PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '0', ...env },
    { version: '9.9.9', hostname: 'test-pod' },
  );
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  const logger = createLogger({
    level: config.logLevel,
    pod: config.pod,
    version: config.version,
    destination,
  });
  const service = await startService(config, { logger, ...(random ? { random } : {}) });
  await service.ready;
  return {
    service,
    config,
    url: `http://127.0.0.1:${service.port}`,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/**
 * The service in this process for the enclosing `describe`: started in its `beforeAll`, shut down
 * in its `afterAll`. The returned object is filled in when `beforeAll` has run.
 */
export function inProcessForSuite(env: Record<string, string> = {}, random?: Random): InProcessApp {
  const app = {} as InProcessApp; // empty until beforeAll: tests only read it after
  beforeAll(async () => {
    Object.assign(app, await startInProcess(env, random));
  });
  afterAll(async () => {
    await app.service?.shutdown('test');
  });
  return app;
}
