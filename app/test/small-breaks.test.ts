import { createServer as createHttpServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runToExit, startAppProcess, takenPort } from './support/app-process.js';
import { sleep, timedRequest } from './support/load.js';

/** Runs the service until it exits by itself (SIGKILL after `timeoutMs`). */
const runWithEnv = (env: Record<string, string>, timeoutMs = 5000) =>
  runToExit({ SHUTDOWN_DELAY_MS: '0', ...env }, timeoutMs);

const fatalLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.includes('"level":"fatal"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('expected start-up failures', () => {
  it('port in use: one fatal line naming the address, no stack trace, exit 1', async () => {
    const { port, close } = await takenPort();
    try {
      const { code, stdout, stderr } = await runWithEnv({ PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(1);
      const fatal = fatalLines(stdout);
      expect(fatal).toMatchObject([{ msg: 'failed to start', code: 'EADDRINUSE', port }]);
      expect(String(fatal[0]?.reason)).toContain(`127.0.0.1:${port}`);
      expect(stdout + stderr).not.toMatch(/stack|\n\s+at /);
    } finally {
      close();
    }
  });

  it('a HOST that does not resolve: fatal line naming HOST, no stack trace, exit 1', async () => {
    const { code, stdout, stderr } = await runWithEnv({ PORT: '0', HOST: 'no-such-host.invalid' });
    expect(code).toBe(1);
    const fatal = fatalLines(stdout);
    expect(fatal).toMatchObject([{ msg: 'failed to start', host: 'no-such-host.invalid' }]);
    expect(String(fatal[0]?.reason)).toContain('HOST');
    expect(stdout + stderr).not.toMatch(/stack|\n\s+at /);
  });

  it('an invalid OTEL_EXPORTER_OTLP_ENDPOINT stops the start, naming the variable', async () => {
    const { code, stderr } = await runWithEnv({
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318"');
    expect(stderr).toContain('http:// or https:// URL');
  });
});

describe('OTLP export failures', () => {
  it('are logged, at most one line per minute with the count', async () => {
    let posts = 0;
    const collector = createHttpServer((req, res) => {
      posts++;
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const address = collector.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const app = await startAppProcess({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_METRIC_EXPORT_INTERVAL: '200',
      },
    });
    try {
      for (let i = 0; i < 40 && posts < 5; i++) await sleep(100);
      await sleep(300);
      expect(posts).toBeGreaterThanOrEqual(5);
      const failures = app.logs().filter((line) => line.includes('metrics export failed'));
      expect(failures).toHaveLength(1);
      expect(JSON.parse(failures[0] ?? '{}')).toMatchObject({ level: 'warn' });
      expect(await app.stop()).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
      collector.close();
    }
  }, 20_000);
});

describe('content negotiation', () => {
  it('matches Accept case-insensitively (TEXT/HTML gets the HTML page)', async () => {
    const app = await startAppProcess();
    try {
      const { status, body } = await timedRequest(`${app.url}/`, {
        headers: { accept: 'TEXT/HTML,APPLICATION/XHTML+XML;Q=0.9' },
      });
      expect(status).toBe(200);
      expect(body.startsWith('<!doctype html>')).toBe(true);
      expect(await app.stop()).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
    }
  });
});
