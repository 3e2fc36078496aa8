import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startAppProcess } from './support/app-process.js';

interface Result {
  status: number;
  connection: string | undefined;
}

/** GET on a fresh connection (no pooling), so refused connections show up as errors. */
function get(url: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', () => {
  it('turns unready, serves through the delay, drains in-flight requests, exits 0', async () => {
    const delayMs = 1000;
    const app = await startAppProcess({
      env: {
        SHUTDOWN_DELAY_MS: String(delayMs),
        SHUTDOWN_TIMEOUT_MS: '5000',
        ACCESS_LOG_LEVEL: 'silent',
      },
    });
    // Four requests that will still be running when the listener closes.
    const inFlight = Array.from({ length: 4 }, () => get(`${app.url}/delay/2500ms`));
    await sleep(200);
    const signalledAt = Date.now();
    const exit = app.stop('SIGTERM');

    // During the pre-stop delay: unready, but still serving new connections.
    await sleep(50);
    expect((await get(`${app.url}/readyz`)).status).toBe(503);
    expect((await get(`${app.url}/`)).status).toBe(200);

    // After the delay: the listener is closed.
    await sleep(signalledAt + delayMs + 300 - Date.now());
    await expect(get(`${app.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // In-flight requests complete, told to close their connection; the process exits 0 in budget.
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(results.map((r) => r.connection)).toEqual(['close', 'close', 'close', 'close']);
    expect(await exit).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(delayMs + 5000);

    const phases = app.logs().filter((line) => line.includes('"shutdown: '));
    expect(phases.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      'shutdown: readiness off, serving through the pre-stop delay',
      'shutdown: listener closed, draining in-flight requests',
      'shutdown: drained',
      'shutdown: exiting',
    ]);
  });

  it('force-closes and exits 1 when in-flight requests outlast the budget', async () => {
    const app = await startAppProcess({
      env: { SHUTDOWN_DELAY_MS: '0', SHUTDOWN_TIMEOUT_MS: '200', ACCESS_LOG_LEVEL: 'silent' },
    });
    const slow = get(`${app.url}/delay/3s`).catch((error: unknown) => error);
    await sleep(150);
    expect(await app.stop('SIGTERM')).toBe(1);
    expect(await slow).toBeInstanceOf(Error);
    expect(app.logs().some((line) => line.includes('drain budget exceeded'))).toBe(true);
  });
});
