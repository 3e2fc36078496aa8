/**
 * The scripted drill over the local two-region environment (two controller replicas), in phases
 * under a steady client load through the GA stand-in: baseline → flapping (every n-th probe of the
 * primary fails) → near misses (failedRounds − 1 whole rounds fail, then one passes) → a settle
 * pause → one-sided partition (every standby probe fails, the edge serves) → GA describe hangs while
 * the probes fail → corrupt state value and invalid request → SIGKILL of the primary → the leader
 * killed as it starts the failover, the other replica completes it → failback refused while the
 * primary is down → primary restarted on the same port → failback through the CLI once the
 * pre-checks pass → cool-down and scale-down. Bounded by `timeoutMs`; everything is stopped in
 * `finally`. Pure figures and goal checks: drill-summary.ts.
 */
import type { ControlResult } from '../src/kube.js';
import type { Policy } from '../src/policy.js';
import { type DrillReport, type Marks, type Sample, summarize } from './drill-summary.js';
import { defaultLease, type LeaseTimings, STATE, startLocalEnv } from './local-env.js';

export {
  type DrillFigures,
  type DrillReport,
  formatDrill,
  type Observed,
  type Sample,
  settledAfter,
  summarize,
} from './drill-summary.js';

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
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the drill (bounded by `timeoutMs`) and returns its report. */
export async function runDrill(opts: DrillOptions): Promise<DrillReport> {
  const { policy } = opts;
  const flapEvery = opts.flapEvery ?? 3;
  const log = opts.log ?? (() => {});
  const deadline = Date.now() + opts.timeoutMs;
  const env = await startLocalEnv(log, policy, opts.lease ?? defaultLease);
  const samples: Sample[] = [];
  const errors: string[] = [];
  const marks: Marks = {
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
  };
  let flapProbes = { requests: 0, failed: 0 };
  let nearMissProbes = { requests: 0, failed: 0 };
  let refusedWhileDown: ControlResult | null = null;
  let failback: ControlResult | null = null;
  let partitionAlerts = 0;
  let hangRounds = 0;
  let hangAlerts = 0;
  const corrupt = { stateEvent: false, requestRejected: false, repaired: false };
  let killedLeader: { identity: string; mode: string; at: number } | null = null;
  let stopped = false;

  const client = async () => {
    while (!stopped) {
      const at = Date.now();
      try {
        const res = await fetch(`${env.ga.proxyUrl}/`, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(5000),
        });
        const body = (await res.json().catch(() => ({}))) as { aws_region?: string };
        samples.push({
          at,
          done: Date.now(),
          ok: res.status === 200,
          region: body.aws_region ?? '',
        });
      } catch {
        samples.push({ at, done: Date.now(), ok: false, region: '' });
      }
      await sleep(50);
    }
  };
  /** Waits until `cond` holds; false when `boundMs` or the drill's deadline passes first. */
  const waitFor = async (cond: () => boolean, boundMs: number): Promise<boolean> => {
    const until = Math.min(Date.now() + boundMs, deadline);
    while (!stopped) {
      if (cond()) return true;
      if (Date.now() >= until) return false;
      await sleep(100);
    }
    return false;
  };
  const mode = () => env.controller.current?.mode ?? 'unknown';
  const failbackVia = async (): Promise<ControlResult> =>
    JSON.parse(await env.cli(['failback'])) as ControlResult;

  const phases = async () => {
    await waitFor(() => false, opts.baselineMs);
    marks.flapStart = Date.now();
    env.flaky.flap(flapEvery);
    await waitFor(() => false, opts.flappingMs);
    flapProbes = env.flaky.stats();
    marks.flapEnd = Date.now();
    if (stopped) return;
    // Near misses: one round short of a failover, over and over; the consecutive-round rule
    // (not a count of failures in the window) is what keeps the controller from failing over.
    const cycles = opts.nearMissCycles ?? 2;
    env.flaky.flapRounds(policy.failedRounds - 1, env.probesPerRound);
    await waitFor(() => false, cycles * policy.failedRounds * policy.intervalMs);
    nearMissProbes = env.flaky.stats();
    env.flaky.flap(0);
    marks.nearMissEnd = Date.now();
    // A failover set off late by the flapping must count as false, not as the kill's detection.
    await waitFor(() => false, policy.failedRounds * policy.intervalMs);
    if (stopped) return;

    // One-sided partition: the standby's probes all fail, the edge (GA) still reaches the primary.
    const alertsBefore = env.events().filter((e) => e === 'DRPartitionSuspected').length;
    marks.partitionStart = Date.now();
    env.flaky.flap(1);
    await waitFor(() => false, opts.partitionMs);
    env.flaky.flap(0);
    marks.partitionEnd = Date.now();
    partitionAlerts =
      env.events().filter((e) => e === 'DRPartitionSuspected').length - alertsBefore;
    await waitFor(() => false, policy.failedRounds * policy.intervalMs);
    if (stopped) return;

    // An outage as the standby sees it (every probe fails) while GA's describe hangs: the loop must
    // keep probing every round (deadlines), and with no witness nothing may fail over.
    const unconfirmedBefore = env.events().filter((e) => e === 'DRUnconfirmed').length;
    marks.hangStart = Date.now();
    env.flaky.flap(1); // resets the request count
    env.ga.hangDescribe(true);
    await waitFor(() => false, opts.hangMs);
    hangRounds = Math.floor(env.flaky.stats().requests / env.probesPerRound);
    env.flaky.flap(0);
    env.ga.hangDescribe(false);
    marks.hangEnd = Date.now();
    hangAlerts = env.events().filter((e) => e === 'DRUnconfirmed').length - unconfirmedBefore;
    log(`ga describe hung ${marks.hangEnd - marks.hangStart} ms: ${hangRounds} probe rounds`);
    await waitFor(() => false, policy.failedRounds * policy.intervalMs);
    if (stopped) return;

    // A corrupt state value and an invalid request, written behind the controller's back.
    const eventsBefore = env.events().length;
    const cm = env.objects.get(STATE) as {
      data?: Record<string, string>;
      metadata?: Record<string, unknown>;
    };
    env.objects.set(STATE, {
      ...cm,
      metadata: { ...cm.metadata, resourceVersion: `${Date.now()}` },
      data: { ...cm.data, state: '{"mode":"sideways"', request: '{"id":"bad-1","type":"explode"}' },
    });
    await waitFor(() => false, 4 * policy.intervalMs);
    const newEvents = env.events().slice(eventsBefore);
    const after = (env.objects.get(STATE) as { data?: Record<string, string> }).data ?? {};
    corrupt.stateEvent = newEvents.includes('DRStateInvalid');
    corrupt.requestRejected =
      newEvents.includes('DRRequestRejected') && after.request === undefined;
    corrupt.repaired = (() => {
      try {
        return (JSON.parse(after.state ?? '') as { mode?: string }).mode === 'standby';
      } catch {
        return false;
      }
    })();
    marks.corruptEnd = Date.now();
    await waitFor(() => false, policy.failedRounds * policy.intervalMs);
    if (stopped) return;

    // The primary dies; the leader is killed (SIGKILL, no Lease release) mid-failover, and the
    // other replica must take over and complete the failover exactly once.
    marks.kill = Date.now();
    await env.killPrimary();
    if (
      !(await waitFor(
        () => env.transitions.some((t) => t.at >= (marks.kill ?? 0) && t.to === 'failing-over'),
        30_000,
      ))
    )
      return;
    const victim = env.leader();
    if (victim) {
      killedLeader = {
        identity: victim.identity,
        mode: victim.controller.current?.mode ?? 'unknown',
        at: Date.now(),
      };
      await victim.kill();
      log(`killed ${victim.identity} in ${killedLeader.mode}`);
    }
    if (!(await waitFor(() => mode() === 'failed-over', 90_000))) return;

    refusedWhileDown = await failbackVia();
    if (stopped) return;
    marks.restored = Date.now();
    await env.restartPrimary();
    const healthyLongEnough = () => {
      const since = env.controller.current?.primaryHealthySince ?? null;
      return since !== null && Date.now() - since >= policy.failbackHealthyMs;
    };
    if (!(await waitFor(healthyLongEnough, policy.failbackHealthyMs + 30_000))) {
      errors.push('the primary never stayed healthy for the failback pre-check');
      return;
    }
    // a round failing on a loaded machine resets the healthy time: retry a few times, bounded
    for (let attempt = 1; attempt <= 3 && !stopped; attempt += 1) {
      marks.failbackCommand = Date.now();
      failback = await failbackVia();
      if (failback.mode !== 'failed-over') break;
      log(`failback refused (attempt ${attempt}): ${failback.reasons.join('; ')}`);
      await waitFor(healthyLongEnough, policy.failbackHealthyMs + 10_000);
    }
    const scaledDown = () =>
      mode() === 'standby' && (env.capacity.at(-1)?.ready ?? 0) <= policy.standbyMinReplicas;
    await waitFor(scaledDown, policy.failbackCooldownMs + 30_000);
    await waitFor(() => false, Math.max(1000, 2 * policy.intervalMs));
  };

  const clients = Array.from({ length: opts.clients ?? 4 }, () => client());
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = phases().catch((error: unknown) => {
      errors.push(`drill step failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    });
    const interrupted = new Promise<'interrupted'>((resolve) => {
      if (opts.signal?.aborted) resolve('interrupted');
      opts.signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
    });
    const outcome = await Promise.race([run, timedOut, interrupted]);
    if (outcome === 'timeout') errors.push(`drill timed out after ${opts.timeoutMs} ms`);
    if (outcome === 'interrupted') errors.push('drill interrupted');
    stopped = true;
    marks.end = Date.now();
    await Promise.all(clients);
    return summarize({
      policy,
      probesPerRound: env.probesPerRound,
      flapEvery,
      marks,
      samples,
      transitions: [...env.transitions],
      capacity: [...env.capacity],
      flapProbes,
      nearMissProbes,
      refusedWhileDown,
      failback,
      partitionAlerts,
      hangRounds,
      hangAlerts,
      corrupt,
      killedLeader,
      splitBrainWrites: env.splitBrainWrites(),
      dials: { primary: env.ga.groups.primary.dial, standby: env.ga.groups.standby.dial },
      finalMode: mode(),
      drMode: env.drMode(),
      errors: [...errors],
    });
  } finally {
    clearTimeout(timer);
    stopped = true;
    await Promise.all(clients);
    await env.stop();
  }
}
