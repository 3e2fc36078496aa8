import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, runToExit, startAppProcess, takenPort } from './support/app-process.js';

/** Runs the service until it exits by itself. */
const runWithEnv = (env: Record<string, string>) => runToExit(env, 10_000);

/** Resolves when the child's stdout has ended (its 'exit' can come before the last output). */
function outputDone(app: AppProcess): Promise<void> {
  const out = app.child.stdout;
  if (out === null || out.closed) return Promise.resolve();
  return new Promise((resolve) => out.once('close', () => resolve()));
}

const accessIds = (app: AppProcess) =>
  app
    .logs()
    .filter((line) => line.includes('"msg":"request"'))
    .map((line) => (JSON.parse(line) as { request_id: string }).request_id);

describe('bad configuration', () => {
  it('exits 1 naming PORT and what was expected', async () => {
    const { code, stderr } = await runWithEnv({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('expected an integer port');
  });

  it('exits 1 naming FAULT_ERROR_RATE', async () => {
    const { code, stderr } = await runWithEnv({ PORT: '0', FAULT_ERROR_RATE: '2' });
    expect(code).toBe(1);
    expect(stderr).toContain('FAULT_ERROR_RATE');
    expect(stderr).toContain('between 0 and 1');
  });
});

describe('buffered logs on the way out', () => {
  it('writes every access line before exiting on SIGTERM', async () => {
    const app = await startAppProcess();
    const ids = Array.from({ length: 25 }, (_, i) => `flush-${i}`);
    for (const id of ids) {
      const response = await fetch(`${app.url}/`, { headers: { 'x-request-id': id } });
      await response.arrayBuffer();
    }
    expect(await app.stop('SIGTERM')).toBe(0);
    await outputDone(app);
    expect(accessIds(app).filter((id) => id.startsWith('flush-'))).toEqual(ids);
  });

  it('writes held access lines when the process crashes (uncaught exception)', async () => {
    // A preloaded module turns SIGUSR2 into an uncaught exception inside the service process.
    const dir = mkdtempSync(join(tmpdir(), 'demo-app-crash-'));
    const preload = join(dir, 'crash-on-usr2.mjs');
    writeFileSync(preload, "process.on('SIGUSR2', () => { throw new Error('boom'); });\n");
    try {
      const app = await startAppProcess({
        env: { NODE_OPTIONS: `--import ${pathToFileURL(preload).href}` },
      });
      const response = await fetch(`${app.url}/`, { headers: { 'x-request-id': 'crash-1' } });
      await response.arrayBuffer();
      expect(await app.stop('SIGUSR2')).not.toBe(0);
      await outputDone(app);
      expect(accessIds(app)).toContain('crash-1');
      expect(app.logs().some((line) => line.includes('boom'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the fatal line when start-up fails (port taken) and exits 1', async () => {
    const { port, close } = await takenPort();
    try {
      const { code, stdout } = await runWithEnv({ PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(1);
      const fatal = stdout
        .split('\n')
        .filter((line) => line.includes('"failed to start"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(fatal).toMatchObject([{ level: 'fatal', msg: 'failed to start' }]);
    } finally {
      close();
    }
  });
});

describe('spawned service', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startAppProcess({ env: { AWS_REGION: 'eu-west-2', IMAGE_NAME: 'demo:1' } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers GET / with region and image as JSON and logs an access line', async () => {
    const response = await fetch(`${app.url}/`, { headers: { 'x-request-id': 'req-123' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(await response.json()).toMatchObject({ aws_region: 'eu-west-2', image: 'demo:1' });
    // Log lines arrive through a pipe: wait (bounded) for the access line.
    const accessLines = () =>
      app
        .logs()
        .filter((line) => line.includes('"request_id":"req-123"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (let i = 0; i < 100 && accessLines().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const access = accessLines();
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: 'GET', route: '/', path: '/', status: 200 });
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await app.stop('SIGTERM')).toBe(0);
  });
});
