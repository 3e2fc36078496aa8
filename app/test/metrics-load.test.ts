import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from './support/app-process.js';
import { quantile, sleep, timedRequest } from './support/load.js';

// Methods Node's HTTP parser accepts (llhttp), CONNECT aside (a tunnel, not a request).
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'COPY',
  'LOCK',
  'MKCOL',
  'MOVE',
  'PROPFIND',
  'PROPPATCH',
  'SEARCH',
  'UNLOCK',
  'BIND',
  'REBIND',
  'UNBIND',
  'ACL',
  'REPORT',
  'MKACTIVITY',
  'CHECKOUT',
  'MERGE',
  'M-SEARCH',
  'NOTIFY',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'PURGE',
  'MKCALENDAR',
  'LINK',
  'UNLINK',
  'SOURCE',
  'QUERY',
];
const PATHS = ['/', '/healthz', '/readyz', '/error', '/metrics', '/delay/1ms', '/nope'];
/** Recorded as themselves (RFC 9110 and PATCH: the first eight above); every other one as `_OTHER`. */
const KNOWN = new Set([...METHODS.slice(0, 8), '_OTHER']);

/** Every method × path, then every /error code: what an attacker does to mint series. */
async function attack(url: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const jobs: Promise<unknown>[] = [];
  for (const method of METHODS) {
    for (const path of PATHS) jobs.push(timedRequest(`${url}${path}`, { method, agent }));
  }
  for (let code = 500; code <= 599; code++) {
    jobs.push(timedRequest(`${url}/error?code=${code}`, { agent }));
    jobs.push(timedRequest(`${url}/error?code=${code}`, { method: 'HEAD', agent }));
  }
  await Promise.all(jobs);
  agent.destroy();
}

describe('/metrics under hostile input', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startAppProcess({ env: { ACCESS_LOG_LEVEL: 'silent' } });
    await attack(app.url);
    await sleep(600); // past the render cache
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('labels only known methods (others as _OTHER) and bounds the series count', async () => {
    const { status, body } = await timedRequest(`${app.url}/metrics`);
    expect(status).toBe(200);
    const series = body
      .split('\n')
      .filter((line) => line.startsWith('http_server_request_duration_count'));
    const methods = new Set(
      series.map((line) => /http_request_method="([^"]*)"/.exec(line)?.[1]).filter(Boolean),
    );
    expect([...methods].filter((m) => !KNOWN.has(m ?? ''))).toEqual([]);
    expect(methods.has('_OTHER')).toBe(true);
    expect(series.length).toBeLessThanOrEqual(301);
    expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024);
  });

  it('keeps /healthz fast while 8 clients pull /metrics as fast as they can', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let pulling = true;
    let scrapes = 0;
    let refused = 0;
    const puller = async () => {
      while (pulling) {
        const { status } = await timedRequest(`${app.url}/metrics`, { agent, timeoutMs: 5000 });
        if (status === 200) scrapes++;
        if (status === 429) refused++;
      }
    };
    const began = performance.now();
    const pullers = Array.from({ length: 8 }, puller);
    await sleep(200);
    const probe = new Agent({ keepAlive: true, maxSockets: 1 });
    const latencies: number[] = [];
    // Paced: one probe every 20 ms for 3 s, each bounded by 2 s, the whole loop by 8 s.
    const deadline = performance.now() + 8000;
    for (let i = 0; i < 150 && performance.now() < deadline; i++) {
      const started = performance.now();
      const { status, ms } = await timedRequest(`${app.url}/healthz`, { agent: probe });
      latencies.push(status === 200 ? ms : Number.POSITIVE_INFINITY);
      await sleep(Math.max(0, 20 - (performance.now() - started)));
    }
    pulling = false;
    await Promise.all(pullers);
    const seconds = (performance.now() - began) / 1000;
    agent.destroy();
    probe.destroy();
    expect(latencies).toHaveLength(150);
    // 20 full scrapes a second (bursts of 20): the pullers wait their turn.
    expect(scrapes).toBeGreaterThan(20);
    expect(scrapes).toBeLessThanOrEqual(Math.ceil(20 * seconds) + 20);
    expect(refused).toBe(0);
    // Before: p99 1.5 s. The bench holds this to 50 ms on pinned CPUs; a shared test machine
    // gets more room.
    expect(quantile(latencies, 0.99)).toBeLessThan(500);
  }, 30_000);

  it('answers 429 to scrapes that would wait over a second', async () => {
    await sleep(1100); // the bucket refills
    const agent = new Agent({ keepAlive: true, maxSockets: 60 });
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        timedRequest(`${app.url}/metrics`, { agent, timeoutMs: 5000 }),
      ),
    );
    agent.destroy();
    const statuses = answers.map((a) => a.status);
    // 20 at once, 20 more within the second, the rest refused.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(40);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  }, 15_000);
});
