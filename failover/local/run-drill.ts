/**
 * The scripted drill over the local two-region environment, in phases under a steady client load
 * through the GA stand-in: baseline → flapping (every n-th probe of the primary fails) → near
 * misses (failedRounds − 1 whole rounds fail, then one passes) → a settle pause → SIGKILL of
 * the primary → failover → failback refused while the primary is down → primary restarted on the
 * same port → failback through the CLI once the pre-checks pass → cool-down and scale-down.
 * Bounded by `timeoutMs`; everything is stopped in `finally`. Pure figures come from `summarize`.
 */
import type { ControlResult } from '../src/kube.js';
import type { Policy } from '../src/policy.js';
import {
  type CapacityChange,
  defaultLease,
  type LeaseTimings,
  STATE,
  startLocalEnv,
  type Transition,
} from './local-env.js';

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

/** One client request: when it started and ended, whether it got a 200, which region answered. */
export interface Sample {
  at: number;
  done: number;
  ok: boolean;
  region: string;
}

/** Times (ms since epoch) at which the drill's phases began; null when not reached. */
export interface Marks {
  flapStart: number | null;
  flapEnd: number | null;
  nearMissEnd: number | null;
  partitionStart: number | null;
  partitionEnd: number | null;
  hangStart: number | null;
  hangEnd: number | null;
  corruptEnd: number | null;
  kill: number | null;
  restored: number | null;
  failbackCommand: number | null;
  end: number;
}

/** What the drill observed; `summarize` turns it into figures and goal checks. */
export interface Observed {
  policy: Policy;
  flapEvery: number;
  marks: Marks;
  samples: readonly Sample[];
  transitions: readonly Transition[];
  capacity: readonly CapacityChange[];
  flapProbes: { requests: number; failed: number };
  nearMissProbes: { requests: number; failed: number };
  refusedWhileDown: ControlResult | null;
  failback: ControlResult | null;
  /** Alert Events seen during the partition; probe rounds the leader ran while GA hung. */
  partitionAlerts: number;
  hangRounds: number;
  /** DRUnconfirmed alerts while GA hung (the standby's probes failing, no witness). */
  hangAlerts: number;
  /** The corrupt-state phase: Warning Events seen, rejected request answered, state repaired. */
  corrupt: { stateEvent: boolean; requestRejected: boolean; repaired: boolean };
  /** The replica killed mid-failover, and in which mode it was. */
  killedLeader: { identity: string; mode: string; at: number } | null;
  splitBrainWrites: number;
  dials: { primary: number; standby: number };
  finalMode: string;
  drMode: string | undefined;
  errors: string[];
}

/** The figures of the last report line. */
export interface DrillFigures {
  detectS: number | null;
  trafficS: number | null;
  scaledS: number | null;
  failedRequests: number;
  totalRequests: number;
  falseFailovers: number;
  splitBrainWrites: number;
  partitionFailovers: number;
}

export interface DrillReport {
  figures: DrillFigures;
  flapping: { seconds: number; probes: number; failed: number; falseFailovers: number };
  nearMiss: { seconds: number; probes: number; failed: number; falseFailovers: number };
  failedOutsideDetection: number;
  failback: {
    refusedWhileDown: boolean;
    accepted: boolean;
    /** From the failback command until every request is answered by eu-central-1. */
    trafficS: number | null;
    /** From pinning traffic back to the primary until the standby's floor is lowered. */
    scaledDownS: number | null;
    failedRequests: number;
  };
  /** Report lines before the last one. */
  lines: string[];
  /** Goals missed or steps that did not happen; empty when the drill passed. */
  problems: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const secs = (ms: number) => ms / 1000;

/**
 * Seconds from `from` to the latest start of a sample that is not `good`, when a good sample
 * started after it; null when there is no evidence (no samples, or none good after the last bad).
 */
export function settledAfter(
  samples: readonly Sample[],
  from: number,
  good: (s: Sample) => boolean,
): number | null {
  const lastBadAt = Math.max(from, ...samples.filter((s) => !good(s)).map((s) => s.at));
  if (!samples.some((s) => good(s) && s.at > lastBadAt)) {
    return samples.length > 0 && samples.every(good) ? 0 : null;
  }
  return secs(lastBadAt - from);
}

/** Pure: figures and goal checks from what the drill observed. */
export function summarize(o: Observed): DrillReport {
  const { policy, marks, samples, transitions, capacity } = o;
  const kill = marks.kill ?? marks.end;
  const problems = [...o.errors];
  const leftStandby = (from: number, to: number) =>
    transitions.filter((t) => t.from === 'standby' && t.at >= from && t.at < to).length;
  const falseFailovers = leftStandby(0, kill);
  const detectAt = transitions.find((t) => t.to === 'failing-over' && t.at >= kill)?.at ?? null;
  const failedOver = transitions.some((t) => t.to === 'failed-over' && t.at >= kill);
  const trafficWindow = samples.filter(
    (s) => s.at >= kill && s.at < (marks.failbackCommand ?? marks.end),
  );
  const trafficS =
    marks.kill === null
      ? null
      : settledAfter(trafficWindow, kill, (s) => s.ok && s.region === 'eu-west-2');
  const scaledAt = capacity.find(
    (c) => c.at >= kill && c.ready >= policy.failedOverMinReplicas,
  )?.at;
  const failed = samples.filter((s) => !s.ok);
  const failedOutsideDetection = failed.filter(
    (s) => s.done < kill || detectAt === null || s.done > detectAt,
  ).length;

  const flapStart = marks.flapStart ?? marks.end;
  const flapEnd = marks.flapEnd ?? marks.end;
  const flapping = {
    seconds: secs(flapEnd - flapStart),
    probes: o.flapProbes.requests,
    failed: o.flapProbes.failed,
    falseFailovers: leftStandby(flapStart, flapEnd),
  };
  const nearMissEnd = marks.nearMissEnd ?? marks.end;
  const nearMiss = {
    seconds: secs(nearMissEnd - flapEnd),
    probes: o.nearMissProbes.requests,
    failed: o.nearMissProbes.failed,
    falseFailovers: leftStandby(flapEnd, kill),
  };

  const partitionFailovers =
    marks.partitionStart === null
      ? 0
      : leftStandby(
          marks.partitionStart,
          Math.min((marks.partitionEnd ?? marks.end) + policy.windowMs, kill),
        );
  const hangFailovers =
    marks.hangStart === null
      ? 0
      : leftStandby(
          marks.hangStart,
          Math.min((marks.hangEnd ?? marks.end) + policy.windowMs, kill),
        );
  const afterKill = transitions.filter((t) => t.at >= kill);
  const failoversAfterKill = afterKill.filter((t) => t.to === 'failing-over').length;
  const completedAfterKill = afterKill.filter((t) => t.to === 'failed-over').length;
  const completedAt = afterKill.find((t) => t.to === 'failed-over')?.at ?? null;
  const takeoverS =
    o.killedLeader === null || completedAt === null ? null : secs(completedAt - o.killedLeader.at);
  const pinnedBackAt = transitions.find((t) => t.to === 'failing-back')?.at ?? null;
  const scaledDownAt =
    pinnedBackAt === null
      ? undefined
      : capacity.find((c) => c.at >= pinnedBackAt && c.floor <= policy.standbyMinReplicas)?.at;
  const afterCommand = samples.filter((s) => s.at >= (marks.failbackCommand ?? marks.end));
  const failback = {
    refusedWhileDown: o.refusedWhileDown?.mode === 'failed-over',
    accepted: o.failback !== null && o.failback.mode !== 'failed-over',
    trafficS:
      marks.failbackCommand === null
        ? null
        : settledAfter(
            afterCommand,
            marks.failbackCommand,
            (s) => s.ok && s.region === 'eu-central-1',
          ),
    scaledDownS:
      pinnedBackAt === null || scaledDownAt === undefined
        ? null
        : secs(scaledDownAt - pinnedBackAt),
    failedRequests: failed.filter((s) => marks.restored !== null && s.done >= marks.restored)
      .length,
  };
  const figures: DrillFigures = {
    detectS: detectAt === null ? null : secs(detectAt - kill),
    trafficS,
    scaledS: scaledAt === undefined ? null : secs(scaledAt - kill),
    failedRequests: failed.length,
    totalRequests: samples.length,
    falseFailovers,
    splitBrainWrites: o.splitBrainWrites,
    partitionFailovers,
  };
  const hangExpected =
    marks.hangEnd === null || marks.partitionEnd === null
      ? 0
      : Math.floor((marks.hangEnd - marks.partitionEnd) / policy.intervalMs / 2);
  if (marks.partitionStart === null) problems.push('the partition phase did not run');
  if (partitionFailovers > 0)
    problems.push(`${partitionFailovers} failover(s) during the one-sided partition`);
  if (marks.partitionStart !== null && o.partitionAlerts === 0) {
    problems.push('no DRPartitionSuspected alert during the one-sided partition');
  }
  if (hangFailovers > 0) problems.push(`${hangFailovers} failover(s) while GA describe hung`);
  if (marks.hangEnd !== null && o.hangAlerts === 0) {
    problems.push('no DRUnconfirmed alert while GA describe hung and the probes failed');
  }
  if (marks.hangEnd !== null && o.hangRounds < hangExpected) {
    problems.push(
      `only ${o.hangRounds} probe rounds while GA describe hung, expected ≥ ${hangExpected}`,
    );
  }
  if (
    marks.corruptEnd !== null &&
    !(o.corrupt.stateEvent && o.corrupt.requestRejected && o.corrupt.repaired)
  ) {
    problems.push(`corrupt state phase: ${JSON.stringify(o.corrupt)}`);
  }
  if (o.killedLeader === null) problems.push('no leader was killed mid-failover');
  if (failoversAfterKill !== 1 || completedAfterKill !== 1) {
    problems.push(
      `failover after the kill: ${failoversAfterKill} started, ${completedAfterKill} completed, expected exactly 1`,
    );
  }
  if (o.splitBrainWrites > 0) problems.push(`${o.splitBrainWrites} split-brain write(s)`);

  if (falseFailovers > 0) problems.push(`${falseFailovers} false failover(s) before the kill`);
  if (flapping.failed === 0 || flapping.failed < Math.floor(flapping.probes / o.flapEvery)) {
    problems.push(
      `flapping failed ${flapping.failed} of ${flapping.probes} probes, expected 1 in ${o.flapEvery}`,
    );
  }
  if (nearMiss.probes > 0 && nearMiss.failed === 0) {
    problems.push('the near-miss phase failed no probe');
  }
  if (!failedOver) problems.push('the controller did not reach failed-over after the kill');
  if (figures.detectS === null || figures.detectS > 15) problems.push('detect > 15 s');
  if (trafficS === null || trafficS > 20) problems.push('traffic not on the standby within 20 s');
  if (failedOutsideDetection > 0) {
    problems.push(`${failedOutsideDetection} failed request(s) outside the detection window`);
  }
  if (!failback.refusedWhileDown)
    problems.push('failback was not refused while the primary was down');
  if (!failback.accepted) problems.push('failback was not accepted after the pre-checks passed');
  if (o.dials.primary !== 100 || o.dials.standby !== 0) {
    problems.push(
      `dials after failback: primary ${o.dials.primary} standby ${o.dials.standby}, expected 100/0`,
    );
  }
  if (failback.trafficS === null) problems.push('traffic not back on eu-central-1 after failback');
  if (failback.scaledDownS === null || failback.scaledDownS * 1000 < policy.failbackCooldownMs) {
    problems.push('standby not scaled down, or scaled down before the cool-down elapsed');
  }
  if (o.finalMode !== 'standby' || o.drMode !== 'standby') {
    problems.push(`ended in mode ${o.finalMode} (DR_MODE ${o.drMode}), expected standby`);
  }

  const f = (v: number | null) => (v === null ? 'NaN' : v.toFixed(1));
  const lines = [
    `drill: policy interval=${policy.intervalMs}ms quorum=${policy.probeQuorum}/${policy.probesPerRound} failed_rounds=${policy.failedRounds} window=${policy.windowMs}ms failback_healthy=${policy.failbackHealthyMs}ms cooldown=${policy.failbackCooldownMs}ms`,
    `drill: flapping=${f(flapping.seconds)}s probes=${flapping.probes} failed=${flapping.failed} (1 in ${o.flapEvery}: 503 or dropped) false_failovers=${flapping.falseFailovers}`,
    `drill: near_miss=${f(nearMiss.seconds)}s probes=${nearMiss.probes} failed=${nearMiss.failed} (${policy.failedRounds - 1} failed rounds, then one passing) false_failovers=${nearMiss.falseFailovers}`,
    `drill: partition=${f(marks.partitionStart === null ? null : secs((marks.partitionEnd ?? marks.end) - marks.partitionStart))}s (every standby probe fails, the edge serves) alerts=${o.partitionAlerts} partition_failovers=${partitionFailovers}`,
    `drill: ga_describe_hang=${f(marks.hangEnd === null || marks.hangStart === null ? null : secs(marks.hangEnd - marks.hangStart))}s (every standby probe fails too) probe_rounds=${o.hangRounds} (both replicas) alerts=${o.hangAlerts} failovers=${hangFailovers}`,
    `drill: corrupt_state state_event=${o.corrupt.stateEvent ? 'yes' : 'no'} request_rejected=${o.corrupt.requestRejected ? 'yes' : 'no'} repaired=${o.corrupt.repaired ? 'yes' : 'no'}`,
    `drill: leader_killed=${o.killedLeader ? `${o.killedLeader.identity} in ${o.killedLeader.mode}` : 'none'} failovers_started=${failoversAfterKill} completed=${completedAfterKill} takeover=${f(takeoverS)}s (kill → failed-over by the other replica) split_brain_writes=${o.splitBrainWrites}`,
    `drill: failover detect=${f(figures.detectS)}s traffic=${f(trafficS)}s scaled=${f(figures.scaledS)}s failed_requests_outside_detection=${failedOutsideDetection}`,
    `drill: failback refused_while_down=${failback.refusedWhileDown ? 'yes' : 'no'}${o.refusedWhileDown ? ` (${o.refusedWhileDown.reasons.join('; ')})` : ''}`,
    `drill: failback=${f(failback.trafficS)}s dials=primary:${o.dials.primary}/standby:${o.dials.standby} scaled_down=${f(failback.scaledDownS)}s after pin (cool-down ${f(secs(policy.failbackCooldownMs))}s) failed_requests=${failback.failedRequests} mode=${o.finalMode}`,
    ...problems.map((p) => `drill: GOAL MISSED: ${p}`),
  ];
  return { figures, flapping, nearMiss, failedOutsideDetection, failback, lines, problems };
}

export function formatDrill(f: DrillFigures): string {
  const s = (v: number | null) => (v === null ? 'NaN' : v.toFixed(1));
  return `drill: detect=${s(f.detectS)}s traffic=${s(f.trafficS)}s scaled=${s(f.scaledS)}s failed_requests=${f.failedRequests} total_requests=${f.totalRequests} false_failovers=${f.falseFailovers} split_brain_writes=${f.splitBrainWrites} partition_failovers=${f.partitionFailovers}`;
}

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
    env.flaky.flapRounds(policy.failedRounds - 1, policy.probesPerRound);
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
    hangRounds = Math.floor(env.flaky.stats().requests / policy.probesPerRound);
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
