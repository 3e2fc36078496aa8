import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlakyProxy, failsAt, failsInRound, startFlakyProxy } from '../local/flaky-proxy.js';
import { classifyRound } from '../src/machine.js';
import { defaultPolicy } from '../src/policy.js';
import { probe, probeRound } from '../src/prober.js';

let upstream: http.Server;
let upstreamUrl: string;
let upstreamHits = 0;
let proxy: FlakyProxy;

beforeAll(async () => {
  upstream = http.createServer((_req, res) => {
    upstreamHits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ready"}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  proxy = await startFlakyProxy(upstreamUrl);
});
afterAll(async () => {
  await proxy?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const probes = async (n: number) => {
  const out: boolean[] = [];
  for (let i = 0; i < n; i += 1) out.push(await probe(`${proxy.url}/readyz`, 1000));
  return out;
};

describe('failsInRound', () => {
  it('fails whole rounds: 2 of every 3 rounds of 3 requests', () => {
    const pattern = Array.from({ length: 12 }, (_, i) => (failsInRound(i + 1, 2, 3) ? 'x' : '.'));
    expect(pattern.join('')).toBe('xxxxxx...xxx');
    expect(failsInRound(1, 0, 3)).toBe(false);
  });
});

describe('failsAt', () => {
  it('fails exactly every n-th request, never when n is 0', () => {
    expect([1, 2, 3, 4, 5, 6].map((seq) => failsAt(seq, 3))).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
    expect([1, 2, 3].map((seq) => failsAt(seq, 0))).toEqual([false, false, false]);
  });
});

describe('flaky proxy (drill test device)', () => {
  it('forwards everything while not flapping', async () => {
    upstreamHits = 0;
    expect(await probes(4)).toEqual([true, true, true, true]);
    expect(upstreamHits).toBe(4);
  });

  it('fails every 3rd request, alternating a 503 and a dropped connection', async () => {
    proxy.flap(3);
    expect(await probes(6)).toEqual([true, true, false, true, true, false]);
    expect(proxy.stats()).toEqual({ requests: 6, failed: 2 });
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push(
        await fetch(`${proxy.url}/readyz`, { signal: AbortSignal.timeout(1000) })
          .then(async (r) => {
            await r.arrayBuffer();
            return r.status;
          })
          .catch(() => 'dropped'),
      );
    }
    expect(statuses).toEqual([200, 200, 503, 200, 200, 'dropped']);
    proxy.flap(0);
    expect(proxy.stats()).toEqual({ requests: 0, failed: 0 });
    expect(await probes(3)).toEqual([true, true, true]);
  });

  it('makes exactly one of each round’s three probes fail: mixed rounds, never failed ones', async () => {
    proxy.flap(3);
    const url = `${proxy.url}/readyz`;
    for (let round = 0; round < 4; round += 1) {
      const r = await probeRound({
        targets: [url, url, url],
        reference: `${upstreamUrl}/readyz`,
        timeoutMs: 1000,
      });
      expect(r.probes.filter((ok) => !ok)).toHaveLength(1);
      expect(classifyRound({ type: 'round', ...r, gaPrimaryHealthy: null }, defaultPolicy)).toBe(
        'mixed',
      );
    }
    proxy.flap(0);
  });

  it('answers 502 when the upstream is gone', async () => {
    const dead = await startFlakyProxy('http://127.0.0.1:1');
    try {
      const res = await fetch(`${dead.url}/readyz`);
      await res.arrayBuffer();
      expect(res.status).toBe(502);
    } finally {
      await dead.close();
    }
  });
});
