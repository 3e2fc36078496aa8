import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppProcess, freePort, startAppProcess } from '@demo-app/app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CanaryMetric,
  canaryMetric,
  readDocs,
  renderQuery,
  withinRange,
} from './support/flagger-template.js';
import {
  type PrometheusProcess,
  requirePrometheus,
  startPrometheus,
} from './support/prometheus.js';

/**
 * The Flagger MetricTemplates of deploy/ evaluated by a real Prometheus scraping real app processes
 * labelled like Flagger's Prometheus labels pods. Queries and thresholds are read from the deploy/
 * files, never copied. Scenarios live in separate namespaces so each canary is judged alone:
 *   demo-app: a healthy canary next to a primary that fails every request and is slow;
 *   faulty:   a canary with FAULT_ERROR_RATE=0.5;   slow: a canary with FAULT_LATENCY_MS=600;
 *   abused:   a healthy canary that a client also hammers with /error (500s) and /delay/600ms, the
 *             demo routes anyone on the internet can call: it must still pass.
 */

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, '..', '..', '..', 'deploy', 'apps', 'base', 'demo-app');
const TARGET = 'demo-app';
const CANARY_POD = 'demo-app-7d9f8b6c4-abcde';
const PRIMARY_POD = 'demo-app-primary-5c6d7f8b9-x2k4q';

const pods: Record<
  string,
  {
    namespace: string;
    pod: string;
    env: Record<string, string>;
    requests: number;
    /** Paths requested round-robin; `/` when absent. */
    paths?: readonly string[];
  }
> = {
  primary: {
    namespace: 'demo-app',
    pod: PRIMARY_POD,
    env: { FAULT_ERROR_RATE: '1', FAULT_LATENCY_MS: '600', FAULT_LATENCY_RATE: '1' },
    requests: 16,
  },
  healthy: { namespace: 'demo-app', pod: CANARY_POD, env: {}, requests: 60 },
  faulty: { namespace: 'faulty', pod: CANARY_POD, env: { FAULT_ERROR_RATE: '0.5' }, requests: 60 },
  slow: {
    namespace: 'slow',
    pod: CANARY_POD,
    env: { FAULT_LATENCY_MS: '600', FAULT_LATENCY_RATE: '1' },
    requests: 16,
  },
  abused: {
    namespace: 'abused',
    pod: CANARY_POD,
    env: {},
    requests: 64,
    // 3 of every 4 requests are abuse: /error answers 500, /delay/600ms takes 600 ms.
    paths: ['/', '/error', '/error', '/delay/600ms'],
  },
};

let errorRate: CanaryMetric;
let latency: CanaryMetric;
const apps = new Map<string, AppProcess>();
let prom: PrometheusProcess | undefined;

/** Sends `count` GET requests over `paths` in turn, 8 at a time; statuses do not matter. */
async function drive(url: string, count: number, paths: readonly string[] = ['/']): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      const path = paths[sent % paths.length] ?? '/';
      sent++;
      const r = await fetch(`${url}${path}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(5000),
      });
      await r.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Evaluates a Canary metric for `namespace` as Flagger would; undefined when there is no value. */
async function evaluate(m: CanaryMetric, namespace: string): Promise<number | undefined> {
  if (prom === undefined) throw new Error('prometheus not started');
  const result = await prom.query(
    renderQuery(m.query, { namespace, target: TARGET, interval: m.interval }),
  );
  return result[0]?.value;
}

/** Polls until every scrape target has been scraped after the traffic ended. */
async function waitForScrapesAfter(since: number): Promise<void> {
  if (prom === undefined) throw new Error('prometheus not started');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${prom.url}/api/v1/targets`).then((r) => r.json() as Promise<unknown>);
    const active =
      (res as { data?: { activeTargets?: { lastScrape: string; health: string }[] } }).data
        ?.activeTargets ?? [];
    const fresh = active.filter((t) => t.health === 'up' && Date.parse(t.lastScrape) > since + 100);
    if (active.length === Object.keys(pods).length && fresh.length === active.length) return;
    if (Date.now() > deadline)
      throw new Error(`targets not scraped after traffic: ${JSON.stringify(active)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  requirePrometheus();
  const canary = (await readDocs(join(app, 'canary.yaml')))[0];
  const templates = await readDocs(join(app, 'metric-templates.yaml'));
  errorRate = canaryMetric(canary, templates, 'error-rate');
  latency = canaryMetric(canary, templates, 'latency');

  const started = await Promise.all(
    Object.entries(pods).map(
      async ([name, p]) => [name, await startAppProcess({ env: p.env })] as const,
    ),
  );
  for (const [name, proc] of started) apps.set(name, proc);
  prom = await startPrometheus(
    await freePort(),
    Object.entries(pods).map(([name, p]) => ({
      address: `127.0.0.1:${apps.get(name)?.port}`,
      namespace: p.namespace,
      pod: p.pod,
    })),
  );
  // Prometheus starts scraping static targets only after its first discovery update (up to ~5 s).
  // rate() only sees increases between two samples, and the app creates a series at its first
  // request: so wait for a first scrape, send the traffic in rounds spread over several 1 s scrapes,
  // then wait for a scrape that includes the last round.
  await waitForScrapesAfter(Date.now());
  const ROUNDS = 4;
  for (let round = 0; round < ROUNDS; round++) {
    await Promise.all(
      Object.entries(pods).map(([name, p]) =>
        drive(apps.get(name)?.url ?? '', p.requests / ROUNDS, p.paths),
      ),
    );
    await new Promise((r) => setTimeout(r, 1100));
  }
  await waitForScrapesAfter(Date.now());
}, 40_000);

afterAll(async () => {
  await prom?.stop();
  await Promise.all([...apps.values()].map((a) => a.stop('SIGKILL')));
}, 15_000);

describe('Flagger MetricTemplates from deploy/ against a real Prometheus', {
  timeout: 10_000,
}, () => {
  it('reads thresholds from the Canary', () => {
    expect(errorRate.max).toBeTypeOf('number');
    expect(latency.max).toBeTypeOf('number');
  });

  it('selects only canary pods: the primary pod never matches the canary pattern', async () => {
    const series = await prom?.query(
      renderQuery(
        'count by (kubernetes_pod_name) (http_server_request_duration_count{kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"})',
        { namespace: 'demo-app', target: TARGET, interval: '1m' },
      ),
    );
    expect(series?.map((s) => s.labels.kubernetes_pod_name)).toEqual([CANARY_POD]);
  });

  it('error-rate: a healthy canary passes even though its primary fails every request', async () => {
    const value = await evaluate(errorRate, 'demo-app');
    expect(value).toBe(0);
    expect(withinRange(value ?? Number.NaN, errorRate)).toBe(true);
  });

  it('error-rate: a canary failing half its requests is outside the threshold', async () => {
    const value = await evaluate(errorRate, 'faulty');
    expect(value).toBeGreaterThan(20);
    expect(value).toBeLessThan(80);
    expect(withinRange(value ?? 0, errorRate)).toBe(false);
  });

  it('latency: the healthy canary is fast enough, its slow primary does not count', async () => {
    const value = await evaluate(latency, 'demo-app');
    expect(value).toBeDefined();
    expect(withinRange(value ?? Number.NaN, latency)).toBe(true);
  });

  it('latency: a canary delaying every request by 600 ms crosses the threshold (milliseconds)', async () => {
    const value = await evaluate(latency, 'slow');
    expect(value).toBeGreaterThan(500);
    expect(value).toBeLessThanOrEqual(1000);
    expect(withinRange(value ?? 0, latency)).toBe(false);
  });

  it('error-rate: clients calling /error cannot fail a healthy canary (the route is excluded)', async () => {
    // Without the exclusion half of this canary's requests would count as 5xx.
    const all = await prom?.query(
      'sum(rate(http_server_request_duration_count{kubernetes_namespace="abused", http_response_status_code="500"}[1m]))',
    );
    expect(all?.[0]?.value ?? 0).toBeGreaterThan(0);
    const value = await evaluate(errorRate, 'abused');
    expect(value).toBe(0);
    expect(withinRange(value ?? Number.NaN, errorRate)).toBe(true);
  });

  it('latency: clients calling /delay/600ms cannot fail a healthy canary (the route is excluded)', async () => {
    const value = await evaluate(latency, 'abused');
    expect(value).toBeDefined();
    expect(withinRange(value ?? Number.NaN, latency)).toBe(true);
  });

  it('a namespace without canary traffic yields no value, which Flagger treats as a failed check', async () => {
    expect(await evaluate(errorRate, 'nowhere')).toBeUndefined();
  });
});
