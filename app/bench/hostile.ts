// The bench's hostile phases: /healthz latency while 8 clients pull /metrics as fast as they can,
// and RSS while 10 000 slowloris sockets hold on. Each starts a fresh service process (CPU 0);
// the load generators and the prober run on CPU 1.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { firstOk, type Server, sleep, spawnServer, stop } from './server.js';
import { quantile } from './stats.js';
import { parseWrk, procStatusMiB } from './wrk.js';

const run = promisify(execFile);
const PROBE_JS = fileURLToPath(new URL('./probe.mjs', import.meta.url));
const SLOW_JS = fileURLToPath(new URL('./slow-sockets.mjs', import.meta.url));

/** Runs `node script` on CPU 1 with `env`, resolving with its stdout. */
async function pinnedNode(script: string, env: Record<string, string>): Promise<string> {
  // The slowloris client needs more descriptors than a default soft limit of 1024: raise the soft
  // limit to the hard one (no privilege needed).
  const { stdout } = await run(
    'sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)"; exec taskset -c 1 "$0" "$1"', process.execPath, script],
    { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

async function startService(script: string): Promise<Server> {
  const env = { SHUTDOWN_DELAY_MS: '0', ACCESS_LOG_LEVEL: 'silent' };
  const server = await spawnServer(script, env, true);
  await firstOk(server, 'readyz');
  return server;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND', 'MKCOL'];
const PATHS = ['/', '/healthz', '/readyz', '/error', '/metrics', '/delay/1ms', '/nope'];

/** What an attacker does to grow /metrics: every method × path and every /error code. */
async function inflateSeries(url: string): Promise<void> {
  const jobs: Promise<unknown>[] = [];
  for (const method of METHODS) {
    for (const path of PATHS)
      jobs.push(fetch(`${url}${path}`, { method }).then((r) => r.arrayBuffer()));
  }
  for (let code = 500; code <= 599; code++) {
    for (const method of ['GET', 'HEAD']) {
      jobs.push(fetch(`${url}/error?code=${code}`, { method }).then((r) => r.arrayBuffer()));
    }
  }
  await Promise.allSettled(jobs);
}

/** Paced /healthz probes, every 10 ms for `seconds`, from CPU 1. */
async function probeHealth(url: string, seconds: number) {
  const out = await pinnedNode(PROBE_JS, {
    PROBE_URL: `${url}/healthz`,
    PROBE_EVERY_MS: '10',
    PROBE_FOR_MS: String(seconds * 1000),
  });
  return JSON.parse(out) as { latenciesMs: number[]; failed: number };
}

export interface ScrapeLoad {
  /** /healthz p99 with no scrapers, same process, just before (what the machine allows). */
  idleP99: number;
  metricsBytes: number;
  series: number;
  scrapesPerSec: number;
  probes: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

/** /healthz latency (paced probes every 10 ms) while 8 wrk connections pull /metrics. */
export async function healthUnderScrapes(script: string, seconds: number): Promise<ScrapeLoad> {
  const service = await startService(script);
  try {
    await inflateSeries(service.url);
    await sleep(600); // past the metrics render cache
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const idle = await probeHealth(service.url, 2);
    const series = text
      .split('\n')
      .filter((l) => l.startsWith('http_server_request_duration_count')).length;
    const scrapers = run('taskset', [
      '-c',
      '1',
      'wrk',
      '-t1',
      '-c8',
      `-d${seconds + 2}s`,
      '--latency',
      `${service.url}/metrics`,
    ]);
    await sleep(1000);
    const probe = await probeHealth(service.url, seconds);
    const wrk = parseWrk((await scrapers).stdout);
    const l = probe.latenciesMs;
    return {
      idleP99: quantile(idle.latenciesMs, 0.99),
      metricsBytes: Buffer.byteLength(text),
      series,
      scrapesPerSec: wrk.requestsPerSec,
      probes: l.length,
      failed: probe.failed,
      p50: quantile(l, 0.5),
      p99: quantile(l, 0.99),
      max: Math.max(...l),
    };
  } finally {
    await stop(service);
  }
}

export interface SlowLoad {
  sockets: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  client: { opened: number; refused: number; closedByServer: number; open: number };
  probes: number;
  failed: number;
  p99: number;
}

/** Peak RSS of the service while `sockets` slowloris connections trickle headers for `holdMs`. */
export async function rssUnderSlowSockets(
  script: string,
  sockets: number,
  holdMs: number,
): Promise<SlowLoad> {
  const service = await startService(script);
  try {
    const status = () => readFileSync(`/proc/${service.pid}/status`, 'utf8');
    const rssStartMiB = procStatusMiB(status(), 'VmRSS');
    const port = new URL(service.url).port;
    const client = pinnedNode(SLOW_JS, {
      SLOW_SOCKETS: String(sockets),
      SLOW_PORT: port,
      SLOW_HOLD_MS: String(holdMs),
      SLOW_TRICKLE_MS: '1000',
    });
    await sleep(2000);
    const probe = JSON.parse(
      await pinnedNode(PROBE_JS, {
        PROBE_URL: `${service.url}/healthz`,
        PROBE_EVERY_MS: '100',
        PROBE_FOR_MS: String(Math.max(1000, holdMs - 3000)),
      }),
    ) as { latenciesMs: number[]; failed: number };
    const lines = (await client).trim().split('\n');
    const held = JSON.parse(lines[lines.length - 1] ?? '{}') as SlowLoad['client'];
    return {
      sockets,
      rssStartMiB,
      rssPeakMiB: procStatusMiB(status(), 'VmHWM'),
      client: held,
      probes: probe.latenciesMs.length,
      failed: probe.failed,
      p99: quantile(probe.latenciesMs, 0.99),
    };
  } finally {
    await stop(service);
  }
}
