/**
 * The scripted drill over the local two-region environment (two controller replicas), in phases
 * under a steady client load through the GA stand-in: baseline → flapping (every n-th probe of the
 * primary fails) → near misses (failedRounds − 1 whole rounds fail, then one passes) → a settle
 * pause → one-sided partition (every standby probe fails, the edge serves) → GA describe hangs while
 * the probes fail → corrupt state value and invalid request → SIGKILL of the primary → the leader
 * killed as it starts the failover, the other replica completes it → failback refused while the
 * primary is down → primary restarted on the same port → failback through the CLI once the
 * pre-checks pass → cool-down and scale-down. Bounded by `timeoutMs`; everything is stopped in
 * `finally`. The phases: drill-phases.ts; pure figures and goal checks: drill-summary.ts.
 */
import type { Policy } from '../src/policy.js';
import { type DrillRun, runPhases } from './drill-phases.js';
import { formatProgress } from './drill-progress.js';
import type { DrillReport, Found, Marks, Observed, Sample } from './drill-report.js';
import { summarize } from './drill-summary.js';
import { defaultLease, type LeaseTimings, startLocalEnv } from './local-env.js';
import { buildTimeline, type PhaseMark, type Timeline } from './report/timeline.js';

export {
  type DrillFigures,
  type DrillReport,
  formatDrill,
  type Observed,
  type Sample,
} from './drill-report.js';
export { settledAfter, summarize } from './drill-summary.js';

export interface DrillOptions {
  policy: Policy;
  baselineMs: number;
  /** How long the primary fails every `flapEvery`-th probe (the issue asks for ≥ 60 s). */
  flappingMs: number;
  flapEvery?: number;
  /** Near-miss cycles after the flapping: failedRounds − 1 failed rounds, then one that passes. */
  nearMissCycles?: number;
  /** One-sided partition: every probe of the standby fails while the edge serves (≥ 60 s). */
  partitionMs: number;
  /** How long GA's DescribeEndpointGroup hangs (no answer) while the primary is healthy. */
  hangMs: number;
  /** Lease timings of the two replicas. */
  lease?: LeaseTimings;
  /** Concurrent clients, each sending GET / through the stand-in every 50 ms. */
  clients?: number;
  /** Hard upper bound of the whole drill. */
  timeoutMs: number;
  /** Ends the drill early (Ctrl-C, SIGTERM); everything started is stopped. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Called with one line as the drill enters each phase (drill-progress.ts). */
  progress?: (line: string) => void;
}

/** The drill's report with its timeline (report/timeline.ts). */
export type DrillResult = DrillReport & { timeline: Timeline };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const noMarks = (): Marks => ({
  flapStart: null,
  flapEnd: null,
  nearMissEnd: null,
  partitionStart: null,
  partitionEnd: null,
  hangStart: null,
  hangEnd: null,
  corruptEnd: null,
  kill: null,
  restored: null,
  failbackCommand: null,
  end: 0,
});

const nothingFound = (): Found => ({
  flapProbes: { requests: 0, failed: 0 },
  nearMissProbes: { requests: 0, failed: 0 },
  refusedWhileDown: null,
  failback: null,
  partitionAlerts: 0,
  hangRounds: 0,
  hangAlerts: 0,
  corrupt: { stateEvent: false, requestRejected: false, repaired: false },
  killedLeader: null,
});

/** One client of the steady load: GET / through the GA stand-in every 50 ms until `stopped`. */
async function client(url: string, samples: Sample[], stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const at = Date.now();
    try {
      const res = await fetch(`${url}/`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json().catch(() => ({}))) as { aws_region?: string };
      samples.push({ at, done: Date.now(), ok: res.status === 200, region: body.aws_region ?? '' });
    } catch {
      samples.push({ at, done: Date.now(), ok: false, region: '' });
    }
    await sleep(50);
  }
}

/** Resolves with how the drill ended when the phases, the deadline or the signal ends it. */
function ending(
  run: Promise<void>,
  deadline: number,
  signal: AbortSignal | undefined,
): { outcome: Promise<'done' | 'timeout' | 'interrupted'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
  });
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (signal?.aborted) resolve('interrupted');
    signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  const done = run.then(() => 'done' as const);
  return {
    outcome: Promise.race([done, timedOut, interrupted]),
    cancel: () => clearTimeout(timer),
  };
}

/** Records the phases as the drill enters them and prints a progress line for each. */
function phaseRecorder(
  startedAt: number,
  samples: readonly Sample[],
  mode: () => string,
  progress: ((line: string) => void) | undefined,
): { phases: PhaseMark[]; enter: DrillRun['enter'] } {
  const phases: PhaseMark[] = [];
  /** A phase begins (`done`: the drill ends, printed only). */
  const enter = (phase: string, note: string) => {
    const at = Date.now();
    if (phase !== 'done') phases.push({ name: phase, at });
    const failed = samples.filter((s) => !s.ok).length;
    const line = { phase, elapsedMs: at - startedAt, requests: samples.length, failed, note };
    progress?.(formatProgress({ ...line, mode: mode() }));
  };
  return { phases, enter };
}

/** Runs the drill (bounded by `timeoutMs`) and returns its report. */
export async function runDrill(opts: DrillOptions): Promise<DrillResult> {
  const { policy } = opts;
  const log = opts.log ?? (() => {});
  const deadline = Date.now() + opts.timeoutMs;
  const env = await startLocalEnv(log, policy, opts.lease ?? defaultLease);
  const samples: Sample[] = [];
  const startedAt = Date.now();
  let stopped = false;
  const mode = () => env.controller.current?.mode ?? 'unknown';
  const { phases, enter } = phaseRecorder(startedAt, samples, mode, opts.progress);
  const r: DrillRun = {
    env,
    policy,
    times: {
      baselineMs: opts.baselineMs,
      flappingMs: opts.flappingMs,
      flapEvery: opts.flapEvery ?? 3,
      nearMissCycles: opts.nearMissCycles ?? 2,
      partitionMs: opts.partitionMs,
      hangMs: opts.hangMs,
    },
    marks: noMarks(),
    found: nothingFound(),
    errors: [],
    log,
    enter,
    stopped: () => stopped,
    waitFor: async (cond, boundMs) => {
      const until = Math.min(Date.now() + boundMs, deadline);
      while (!stopped) {
        if (cond()) return true;
        if (Date.now() >= until) return false;
        await sleep(100);
      }
      return false;
    },
    mode,
  };
  const clients = Array.from({ length: opts.clients ?? 4 }, () =>
    client(env.ga.proxyUrl, samples, () => stopped),
  );
  const run = runPhases(r).catch((error: unknown) => {
    r.errors.push(`drill step failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  const end = ending(run, deadline, opts.signal);
  try {
    const outcome = await end.outcome;
    if (outcome === 'timeout') r.errors.push(`drill timed out after ${opts.timeoutMs} ms`);
    if (outcome === 'interrupted') r.errors.push('drill interrupted');
    enter('done', outcome === 'done' ? 'all phases ran' : `ended early: ${outcome}`);
    stopped = true;
    r.marks.end = Date.now();
    await Promise.all(clients);
    const observed: Observed = {
      policy,
      probesPerRound: env.probesPerRound,
      flapEvery: r.times.flapEvery,
      marks: r.marks,
      samples,
      transitions: [...env.transitions],
      capacity: [...env.capacity],
      ...r.found,
      splitBrainWrites: env.splitBrainWrites(),
      dials: { primary: env.ga.groups.primary.dial, standby: env.ga.groups.standby.dial },
      finalMode: r.mode(),
      drMode: env.drMode(),
      errors: [...r.errors],
    };
    const timeline = buildTimeline(observed, { startedAt, phases });
    return { ...summarize(observed), timeline };
  } finally {
    end.cancel();
    stopped = true;
    await Promise.all(clients);
    await env.stop();
  }
}
