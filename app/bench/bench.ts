// Benchmark: the built service against a bare node:http server that sends the same bytes (the
// service's own response headers and body, read from it at the start), then the hostile phases
// (bench/hostile.ts): /healthz under 8 /metrics scrapers, RSS under 10 000 slowloris sockets.
// Run with `npm run bench -w app` (builds first). Needs wrk and taskset; not part of npm test.
//
// The machine may be shared and noisy: the two servers are measured in interleaved rounds
// (ABBA order, a fresh process each time) and the report uses medians and the ratio of medians.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { healthUnderScrapes, rssUnderSlowSockets } from './hostile.js';
import { firstOk, spawnServer, stop } from './server.js';
import { median, positiveInt, roundOrder } from './stats.js';
import { parseWrk, procStatCpuSeconds, procStatusMiB, type WrkResult } from './wrk.js';

const run = promisify(execFile);
// BENCH_SERVICE_JS: another build of the service to measure (e.g. an older commit's dist/main.js).
const MAIN_JS =
  process.env.BENCH_SERVICE_JS || fileURLToPath(new URL('../dist/main.js', import.meta.url));
const BASELINE_JS = fileURLToPath(new URL('./baseline.mjs', import.meta.url));
const DURATION = process.env.BENCH_DURATION ?? '5s';
// BENCH_COMPARE_JS: a second build measured in the same rounds (before/after on a noisy machine).
const COMPARE_JS = process.env.BENCH_COMPARE_JS || undefined;
const CONNECTIONS = 50;
const SERVICE_ENV = { SHUTDOWN_DELAY_MS: '0', POD_NAME: 'bench' };

interface Figures {
  firstResponseMs: number;
  readyMs: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  /** Requests served per second of the server's own CPU time (user + system, all threads). */
  perCpuSecond: number;
  wrk: WrkResult;
}

interface Target {
  name: string;
  script: string;
  env: Record<string, string>;
  /** Path whose first 200 is the start-up time (`healthz` for the service). */
  firstPath: string;
  /** Path polled until 200 before reading RSS ("" for the baseline: ready when it answers). */
  readyPath: string;
}

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
const cpuSeconds = (pid: number) => procStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));

const wrk = (duration: string, url: string, latency: boolean) =>
  run('taskset', [
    '-c',
    '1',
    'wrk',
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${duration}`,
    ...(latency ? ['--latency'] : []),
    url,
  ]);

async function measure(target: Target): Promise<Figures> {
  const server = await spawnServer(target.script, target.env, true);
  try {
    const url = `${server.url}/`;
    const firstResponseMs = await firstOk(server, target.firstPath);
    // RSS "after start" is read once fully started (readiness 200: metrics SDK loaded too).
    const readyMs = await firstOk(server, target.readyPath);
    const pid = server.pid;
    const rssStartMiB = procStatusMiB(status(pid), 'VmRSS');
    await wrk('2s', url, false); // warm-up (JIT)
    const cpuBefore = cpuSeconds(pid);
    const { stdout } = await wrk(DURATION, url, true);
    const cpu = cpuSeconds(pid) - cpuBefore;
    const rssPeakMiB = procStatusMiB(status(pid), 'VmHWM');
    const result = parseWrk(stdout);
    const perCpuSecond = result.requests / Math.max(cpu, 0.01);
    return { firstResponseMs, readyMs, rssStartMiB, rssPeakMiB, perCpuSecond, wrk: result };
  } finally {
    await stop(server);
  }
}

/** Headers that every transport adds by itself, or that vary per request (sent by the reference itself). */
const TRANSPORT_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'x-request-id',
]);

/**
 * The service's own response headers and body on GET / (what wrk gets), read from one short-lived
 * process: the same-bytes reference sends exactly these, so it follows the service when they change.
 */
async function serviceAnswer(
  script: string,
): Promise<{ headers: Record<string, string>; body: string }> {
  const server = await spawnServer(script, SERVICE_ENV, false);
  try {
    await firstOk(server, 'readyz');
    const response = await fetch(`${server.url}/`);
    const body = await response.text();
    const headers = Object.fromEntries(
      [...response.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name)),
    );
    return { headers, body };
  } finally {
    await stop(server);
  }
}

/** Medians over rounds (peak RSS: the largest seen). */
function summarise(runs: Figures[]) {
  const of = (pick: (f: Figures) => number) => median(runs.map(pick));
  return {
    rps: of((f) => f.wrk.requestsPerSec),
    perCpu: of((f) => f.perCpuSecond),
    p50: of((f) => f.wrk.p50Ms),
    p99: of((f) => f.wrk.p99Ms),
    non2xx: runs.reduce((sum, f) => sum + f.wrk.non2xx, 0),
    rssStart: of((f) => f.rssStartMiB),
    rssPeak: Math.max(...runs.map((f) => f.rssPeakMiB)),
    firstResponse: of((f) => f.firstResponseMs),
    ready: of((f) => f.readyMs),
  };
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function requireWrk(): Promise<void> {
  try {
    await run('wrk', ['--version']).catch((error: { stdout?: string }) => {
      if (!error.stdout?.includes('wrk')) throw error;
    });
  } catch {
    throw new Error('wrk is not installed (apt-get install wrk)');
  }
}

/** The service, the same-bytes server the others are compared with, and BENCH_COMPARE_JS if set. */
function targetsFor(answer: { headers: Record<string, string>; body: string }) {
  const service: Target = {
    name: 'service',
    script: MAIN_JS,
    env: SERVICE_ENV,
    firstPath: 'healthz',
    readyPath: 'readyz',
  };
  const bare: Target = {
    name: 'same bytes',
    script: BASELINE_JS,
    env: {
      BASELINE_BODY: answer.body,
      BASELINE_HEADERS: JSON.stringify(answer.headers),
      BASELINE_REQUEST_ID: '1',
    },
    firstPath: '',
    readyPath: '',
  };
  const compare: Target | undefined = COMPARE_JS
    ? { ...service, name: 'compared build', script: COMPARE_JS }
    : undefined;
  const all = compare === undefined ? [service, bare] : [service, bare, compare];
  return { service, bare, compare, all };
}

type Targets = ReturnType<typeof targetsFor>;

/** One round's line: each target's throughput and requests per CPU-second against the bare server's. */
function roundLine(round: number, targets: Targets, figures: Map<Target, Figures>): string {
  const b = figures.get(targets.bare);
  const parts = targets.all
    .filter((t) => t !== targets.bare)
    .map((t) => {
      const f = figures.get(t);
      if (f === undefined || b === undefined) return '';
      return (
        `${t.name} ${f.wrk.requestsPerSec.toFixed(0)} req/s (ratio ` +
        `${(f.wrk.requestsPerSec / b.wrk.requestsPerSec).toFixed(3)}), ` +
        `${f.perCpuSecond.toFixed(0)} req/CPU-s (ratio ${(f.perCpuSecond / b.perCpuSecond).toFixed(3)})`
      );
    });
  return (
    `round ${round + 1}: bare ${b?.wrk.requestsPerSec.toFixed(0)} req/s, ` +
    `${b?.perCpuSecond.toFixed(0)} req/CPU-s; ${parts.join('; ')}  (load average ${load()})`
  );
}

/** Measures every target once per round, in {@link roundOrder}, printing each round's line. */
async function measureRounds(targets: Targets, rounds: number): Promise<Map<Target, Figures[]>> {
  const runs = new Map<Target, Figures[]>(targets.all.map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    const figures = new Map<Target, Figures>();
    for (const index of roundOrder(targets.all.length, round)) {
      const target = targets.all[index];
      if (target === undefined) continue;
      const result = await measure(target);
      runs.get(target)?.push(result);
      figures.set(target, result);
    }
    console.log(roundLine(round, targets, figures));
  }
  return runs;
}

const summaryRow = (name: string, f: ReturnType<typeof summarise>) =>
  `${name.padEnd(15)} ${f.rps.toFixed(0).padStart(8)} req/s  ${f.perCpu
    .toFixed(0)
    .padStart(8)} req/CPU-s  p50 ${f.p50
    .toFixed(2)
    .padStart(6)} ms  p99 ${f.p99.toFixed(2).padStart(6)} ms  non-2xx ${f.non2xx}  ` +
  `RSS start ${f.rssStart.toFixed(1)} MiB  peak ${f.rssPeak.toFixed(1)} MiB  ` +
  `first response ${f.firstResponse.toFixed(0)} ms  ready ${f.ready.toFixed(0)} ms`;

const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** The medians of every target and the service's figures against their goals. */
function printSummary(targets: Targets, runs: Map<Target, Figures[]>): void {
  const svc = summarise(runs.get(targets.service) ?? []);
  const base = summarise(runs.get(targets.bare) ?? []);
  const ratio = svc.rps / base.rps;
  console.log('medians over rounds (peak RSS: largest):');
  console.log(summaryRow('service', svc));
  console.log(summaryRow('same bytes', base));
  if (targets.compare !== undefined) {
    const cmp = summarise(runs.get(targets.compare) ?? []);
    console.log(summaryRow('compared build', cmp));
    console.log(
      `compared build: ratio of medians ${(cmp.rps / base.rps).toFixed(3)} req/s, ` +
        `${(cmp.perCpu / base.perCpu).toFixed(3)} req/CPU-s`,
    );
  }
  console.log(
    'throughput against a bare node:http server sending the same bytes, ratio of medians ' +
      `${ratio.toFixed(3)} (goal >= 0.90: ${check(ratio >= 0.9)})`,
  );
  const cpuRatio = svc.perCpu / base.perCpu;
  console.log(
    `requests per CPU-second, ratio of medians ${cpuRatio.toFixed(3)} ` +
      '(less sensitive to other load: counts only CPU time the server got)',
  );
  console.log(
    `RSS after start (ready) ${svc.rssStart.toFixed(1)} MiB (goal <= 64: ${check(svc.rssStart <= 64)})`,
  );
  console.log(
    `peak RSS under load ${svc.rssPeak.toFixed(1)} MiB (goal <= 110: ${check(svc.rssPeak <= 110)})`,
  );
  console.log(
    `start-up, spawn to first /healthz 200: ${svc.firstResponse.toFixed(0)} ms ` +
      `(goal <= 250: ${check(svc.firstResponse <= 250)})`,
  );
}

async function main(): Promise<void> {
  const ROUNDS = positiveInt('BENCH_ROUNDS', process.env.BENCH_ROUNDS, 5);
  await requireWrk();
  // BENCH_ONLY=hostile: only the /metrics and slowloris phases.
  if (process.env.BENCH_ONLY === 'hostile') {
    await hostilePhases(check);
    return;
  }
  const targets = targetsFor(await serviceAnswer(MAIN_JS));
  console.log(
    `service ${MAIN_JS}${targets.compare === undefined ? '' : `, compared with ${COMPARE_JS}`}\n` +
      `wrk -t1 -c${CONNECTIONS} -d${DURATION} --latency, ${ROUNDS} interleaved rounds, ` +
      `server on CPU 0, wrk on CPU 1, node ${process.version}, load average ${load()}`,
  );
  printSummary(targets, await measureRounds(targets, ROUNDS));
  await hostilePhases(check);
  console.log(`load average at the end ${load()}`);
}

async function hostilePhases(check: (ok: boolean) => string): Promise<void> {
  const seconds = positiveInt('BENCH_SCRAPE_SECONDS', process.env.BENCH_SCRAPE_SECONDS, 8);
  const s = await healthUnderScrapes(MAIN_JS, seconds);
  console.log(
    `/healthz probed every 10 ms for ${seconds} s while wrk -c8 pulls /metrics ` +
      `(${s.series} request series, ${(s.metricsBytes / 1024).toFixed(1)} KiB, ` +
      `${s.scrapesPerSec.toFixed(0)} scrapes/s): ${s.probes} probes, ${s.failed} failed, ` +
      `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms ` +
      `(idle p99 before: ${s.idleP99.toFixed(1)} ms) ` +
      `(goal p99 <= 50: ${check(s.p99 <= 50 && s.failed === 0)})  (load average ${load()})`,
  );
  const sockets = positiveInt('BENCH_SLOW_SOCKETS', process.env.BENCH_SLOW_SOCKETS, 10_000);
  const slow = await rssUnderSlowSockets(MAIN_JS, sockets, 8000);
  console.log(
    `${sockets} slowloris sockets held 8 s: RSS ${slow.rssStartMiB.toFixed(1)} → peak ` +
      `${slow.rssPeakMiB.toFixed(1)} MiB (goal < 128 MiB pod limit: ${check(slow.rssPeakMiB < 128)}); ` +
      `client: ${JSON.stringify(slow.client)}; /healthz every 100 ms meanwhile: ` +
      `${slow.probes} probes, ${slow.failed} failed, p99 ${slow.p99.toFixed(1)} ms  (load average ${load()})`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
