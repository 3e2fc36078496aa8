/**
 * The CLI's manual requests end to end (issue #19): the real CLI edge (`main`) against the
 * Kubernetes API stand-in, answered by a real Controller leading in-process. A refused request
 * exits non-zero; `--dry-run` runs the leader's own pre-checks and says what it would do.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeKube } from '../local/fake-kube.js';
import { STATE } from '../local/local-cluster.js';
import { kubeConfigFor } from '../src/build-controller.js';
import { main } from '../src/cli.js';
import { Controller } from '../src/controller.js';
import { noMetrics } from '../src/controller-deps.js';
import { readEnv } from '../src/env.js';
import { KubeAdapter } from '../src/kube.js';
import { defaultPolicy, type Policy } from '../src/policy.js';
import { initialState, type State } from '../src/state.js';

const failedOver: State = {
  ...initialState,
  mode: 'failed-over',
  stepStartedAt: 1,
  reason: 'primary unreachable',
};

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const end of cleanup.splice(0).reverse()) await end();
});

/** The API stand-in seeded with `state`, and a URL answering 200 (`up`) or nothing (`down`). */
async function cluster(state: State, capacity: 'up' | 'down') {
  const fake = await startFakeKube({
    [STATE]: { kind: 'ConfigMap', metadata: {}, data: { state: JSON.stringify(state) } },
  });
  cleanup.push(() => fake.close());
  let capacityUrl = 'http://127.0.0.1:1/readyz';
  if (capacity === 'up') {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    capacityUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
  }
  const env = {
    PRIMARY_PROBE_URLS: 'http://127.0.0.1:2/readyz,http://127.0.0.1:3/readyz,http://127.0.0.1:4/h',
    REFERENCE_URL: 'http://127.0.0.1:5/readyz',
    PRIMARY_CAPACITY_URL: capacityUrl,
    GA_PRIMARY_ENDPOINT_GROUP_ARN: 'arn:p',
    GA_STANDBY_ENDPOINT_GROUP_ARN: 'arn:s',
    KUBE_API_SERVER: fake.url,
    KUBE_TOKEN_FILE: '/nonexistent',
    KUBE_CA_FILE: '/nonexistent',
    PROBE_TIMEOUT_MS: '300',
    ADVISORY_TIMEOUT_MS: '300',
  };
  return { fake, env, capacity: capacity === 'up' };
}

/** A leader answering requests every 100 ms: healthy primary probes, capacity as given. */
function lead(c: Awaited<ReturnType<typeof cluster>>, policy: Policy) {
  const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
  const controller = new Controller({
    kube: new KubeAdapter(kubeConfigFor(c.fake.url, '/nonexistent', '/nonexistent'), 2000),
    ga: { setDials: async () => {}, primaryHealthy: async () => true },
    route53: null,
    leadership: { leading: () => true, guard: () => new AbortController().signal, epoch: 1 },
    probeRound: async () => ({ probes: [true, true, true], reference: true }),
    primaryCapacityReady: async () => c.capacity,
    log: quiet,
    metrics: noMetrics,
    now: Date.now,
    policy,
    roundTimeoutMs: 2000,
    advisoryTimeoutMs: 100,
    dryRun: false,
  });
  const timer = setInterval(() => void controller.cycle().catch(() => {}), 100);
  cleanup.push(() => clearInterval(timer));
}

/** Runs the CLI edge; returns its exit code and what it printed. */
async function run(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  try {
    const code = await main(['node', 'failover', ...args], () => readEnv(env));
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const writes = (fake: Awaited<ReturnType<typeof startFakeKube>>) =>
  fake.requests.filter((r) => r.method !== 'GET');

describe('failback through the CLI', () => {
  it('exits 3 when the leader refuses it, printing the reasons', async () => {
    const c = await cluster({ ...failedOver, primaryHealthySince: null }, 'up');
    lead(c, defaultPolicy);
    const r = await run(['failback'], c.env);
    expect(JSON.parse(r.out)).toMatchObject({ mode: 'failed-over', outcome: 'refused' });
    expect(r.out).toContain('failback refused: primary healthy for');
    expect(r.err).toMatch(/^failover: failback refused/);
    expect(r.code).toBe(3);
  }, 15_000);

  it('exits 0 when the leader accepts it', async () => {
    const c = await cluster({ ...failedOver, primaryHealthySince: 1 }, 'up');
    lead(c, defaultPolicy);
    const r = await run(['failback'], c.env);
    expect(JSON.parse(r.out)).toMatchObject({ mode: 'failing-back', outcome: 'accepted' });
    expect(r.code).toBe(0);
  }, 15_000);
});

describe('--dry-run failback', () => {
  it('runs the capacity pre-check the leader runs: refused, exit 3, nothing written', async () => {
    const c = await cluster({ ...failedOver, primaryHealthySince: 1 }, 'down');
    const r = await run(['--dry-run', 'failback'], c.env);
    const printed = JSON.parse(r.out) as { outcome: string; reasons: string[]; actions: unknown[] };
    expect(printed).toMatchObject({ dryRun: true, outcome: 'refused', actions: [] });
    expect(printed.reasons).toContain('failback refused: primary capacity not ready');
    expect(r.code).toBe(3);
    expect(writes(c.fake)).toEqual([]);
  });

  it('says what it would do when the pre-checks pass, and writes nothing', async () => {
    const c = await cluster({ ...failedOver, primaryHealthySince: 1 }, 'up');
    const r = await run(['--dry-run', 'failback'], c.env);
    const printed = JSON.parse(r.out) as { outcome: string; actions: { type: string }[] };
    expect(printed.outcome).toBe('accepted');
    expect(printed.actions.map((a) => a.type)).toEqual(['emit-event', 'set-dials']);
    expect(r.err).toMatch(/would fail back/);
    expect(r.code).toBe(0);
    expect(writes(c.fake)).toEqual([]);
  });

  it('refuses in standby (nothing to fail back), like the leader', async () => {
    const c = await cluster(initialState, 'up');
    const r = await run(['--dry-run', 'failback'], c.env);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: 'refused' });
    expect(r.code).toBe(3);
  });
});
