// Benchmark: the built service against a bare node:http server with the same JSON body.
// Run with `npm run bench -w app` (builds first). Needs wrk and taskset; not part of npm test.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../test/support/app-process.js';
import { parseWrk, procStatusMiB, type WrkResult } from './wrk.js';

const run = promisify(execFile);
const MAIN_JS = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const BASELINE_JS = fileURLToPath(new URL('./baseline.mjs', import.meta.url));
const DURATION = process.env.BENCH_DURATION ?? '10s';

interface Figures {
  name: string;
  firstResponseMs: number;
  readyMs: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  wrk: WrkResult;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` every 5 ms until it answers 200; resolves with the ms since `started`. */
async function firstOk(url: string, child: ChildProcess, started: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 10_000) throw new Error('no response within 10 s');
    await sleep(5);
  }
}

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');

async function measure(
  name: string,
  script: string,
  env: Record<string, string>,
  /** Path polled until 200 before reading RSS ("" for the baseline: ready when it answers). */
  readyPath: string,
): Promise<Figures> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('taskset', ['-c', '0', process.execPath, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    const firstResponseMs = await firstOk(url, child, started);
    // RSS "after start" is read once fully started (readiness 200: metrics SDK loaded too).
    const readyMs = await firstOk(`${url}${readyPath}`, child, started);
    const pid = child.pid ?? 0;
    const rssStartMiB = procStatusMiB(status(pid), 'VmRSS');
    await run('taskset', ['-c', '1', 'wrk', '-t1', '-c50', '-d2s', url]); // warm-up (JIT)
    const { stdout } = await run('taskset', [
      '-c',
      '1',
      'wrk',
      '-t1',
      '-c50',
      `-d${DURATION}`,
      '--latency',
      url,
    ]);
    const rssPeakMiB = procStatusMiB(status(pid), 'VmHWM');
    return { name, firstResponseMs, readyMs, rssStartMiB, rssPeakMiB, wrk: parseWrk(stdout) };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  try {
    await run('wrk', ['--version']).catch((error: { stdout?: string }) => {
      if (!error.stdout?.includes('wrk')) throw error;
    });
  } catch {
    throw new Error('wrk is not installed (apt-get install wrk)');
  }
  const service = await measure('service', MAIN_JS, { SHUTDOWN_DELAY_MS: '0' }, 'readyz');
  const body = JSON.stringify({
    aws_region: 'local',
    image: 'dev',
    version: '0.1.0',
    commit: 'unknown',
    pod: 'bench',
    runtime: `node ${process.version}`,
  });
  const baseline = await measure('bare node:http', BASELINE_JS, { BASELINE_BODY: body }, '');

  const row = (f: Figures) =>
    `${f.name.padEnd(15)} ${f.wrk.requestsPerSec.toFixed(0).padStart(8)} req/s  p50 ${f.wrk.p50Ms
      .toFixed(2)
      .padStart(6)} ms  p99 ${f.wrk.p99Ms.toFixed(2).padStart(6)} ms  non-2xx ${f.wrk.non2xx}  ` +
    `RSS start ${f.rssStartMiB.toFixed(1)} MiB  peak ${f.rssPeakMiB.toFixed(1)} MiB  ` +
    `first response ${f.firstResponseMs.toFixed(0)} ms  ready ${f.readyMs.toFixed(0)} ms`;
  const ratio = service.wrk.requestsPerSec / baseline.wrk.requestsPerSec;
  const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log(
    `wrk -t1 -c50 -d${DURATION} --latency, server on CPU 0, wrk on CPU 1, node ${process.version}`,
  );
  console.log(row(service));
  console.log(row(baseline));
  console.log(`throughput ratio ${ratio.toFixed(3)}  (goal >= 0.85: ${check(ratio >= 0.85)})`);
  console.log(
    `RSS after start (ready) ${service.rssStartMiB.toFixed(1)} MiB (goal <= 64: ${check(service.rssStartMiB <= 64)})`,
  );
  console.log(
    `peak RSS under load ${service.rssPeakMiB.toFixed(1)} MiB (goal <= 110: ${check(service.rssPeakMiB <= 110)})`,
  );
  console.log(
    `first response ${service.firstResponseMs.toFixed(0)} ms (goal <= 300: ${check(service.firstResponseMs <= 300)})`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
