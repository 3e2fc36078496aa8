/**
 * The drill's figures and goal checks: pure functions over what the drill observed (`Observed`),
 * unit-tested with literal fixtures (test/drill.test.ts). `run-drill.ts` does the observing.
 */
import type { ControlResult } from '../src/kube.js';
import type { Policy } from '../src/policy.js';
import type { CapacityChange, Transition } from './local-env.js';

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
  /** Probes per round (the primary URLs the controller probes). */
  probesPerRound: number;
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

  const resilience = resilienceChecks(o, kill, leftStandby);
  const { partitionFailovers } = resilience;
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
  problems.push(...resilience.problems);

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
    `drill: policy interval=${policy.intervalMs}ms quorum=${policy.probeQuorum}/${o.probesPerRound} failed_rounds=${policy.failedRounds} window=${policy.windowMs}ms failback_healthy=${policy.failbackHealthyMs}ms cooldown=${policy.failbackCooldownMs}ms`,
    `drill: flapping=${f(flapping.seconds)}s probes=${flapping.probes} failed=${flapping.failed} (1 in ${o.flapEvery}: 503 or dropped) false_failovers=${flapping.falseFailovers}`,
    `drill: near_miss=${f(nearMiss.seconds)}s probes=${nearMiss.probes} failed=${nearMiss.failed} (${policy.failedRounds - 1} failed rounds, then one passing) false_failovers=${nearMiss.falseFailovers}`,
    ...resilience.lines,
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

/**
 * Pure: the issue #14 phases — one-sided partition, GA describe hang, corrupt state, leader killed
 * mid-failover — their failovers, alerts and goal checks, and their report lines.
 */
function resilienceChecks(
  o: Observed,
  kill: number,
  leftStandby: (from: number, to: number) => number,
): { partitionFailovers: number; problems: string[]; lines: string[] } {
  const { policy, marks } = o;
  const f = (v: number | null) => (v === null ? 'NaN' : v.toFixed(1));
  const settled = (end: number | null) => Math.min((end ?? marks.end) + policy.windowMs, kill);
  const partitionFailovers =
    marks.partitionStart === null
      ? 0
      : leftStandby(marks.partitionStart, settled(marks.partitionEnd));
  const hangFailovers =
    marks.hangStart === null ? 0 : leftStandby(marks.hangStart, settled(marks.hangEnd));
  const hangS =
    marks.hangEnd === null || marks.hangStart === null
      ? null
      : secs(marks.hangEnd - marks.hangStart);
  const hangExpected = hangS === null ? 0 : Math.floor((hangS * 1000) / policy.intervalMs / 2);
  const afterKill = o.transitions.filter((t) => t.at >= kill);
  const started = afterKill.filter((t) => t.to === 'failing-over').length;
  const completed = afterKill.filter((t) => t.to === 'failed-over').length;
  const completedAt = afterKill.find((t) => t.to === 'failed-over')?.at ?? null;
  const takeoverS =
    o.killedLeader === null || completedAt === null ? null : secs(completedAt - o.killedLeader.at);

  const problems: string[] = [];
  if (marks.partitionStart === null) problems.push('the partition phase did not run');
  if (partitionFailovers > 0) {
    problems.push(`${partitionFailovers} failover(s) during the one-sided partition`);
  }
  if (marks.partitionStart !== null && o.partitionAlerts === 0) {
    problems.push('no DRPartitionSuspected alert during the one-sided partition');
  }
  if (hangFailovers > 0) problems.push(`${hangFailovers} failover(s) while GA describe hung`);
  if (hangS !== null && o.hangAlerts === 0) {
    problems.push('no DRUnconfirmed alert while GA describe hung and the probes failed');
  }
  if (hangS !== null && o.hangRounds < hangExpected) {
    problems.push(
      `only ${o.hangRounds} probe rounds while GA describe hung, expected ≥ ${hangExpected}`,
    );
  }
  const c = o.corrupt;
  if (marks.corruptEnd !== null && !(c.stateEvent && c.requestRejected && c.repaired)) {
    problems.push(`corrupt state phase: ${JSON.stringify(c)}`);
  }
  if (o.killedLeader === null) problems.push('no leader was killed mid-failover');
  if (started !== 1 || completed !== 1) {
    problems.push(
      `failover after the kill: ${started} started, ${completed} completed, expected exactly 1`,
    );
  }
  if (o.splitBrainWrites > 0) problems.push(`${o.splitBrainWrites} split-brain write(s)`);

  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const partitionS =
    marks.partitionStart === null
      ? null
      : secs((marks.partitionEnd ?? marks.end) - marks.partitionStart);
  const killed = o.killedLeader ? `${o.killedLeader.identity} in ${o.killedLeader.mode}` : 'none';
  const lines = [
    `drill: partition=${f(partitionS)}s (every standby probe fails, the edge serves) alerts=${o.partitionAlerts} partition_failovers=${partitionFailovers}`,
    `drill: ga_describe_hang=${f(hangS)}s (every standby probe fails too) probe_rounds=${o.hangRounds} (both replicas) alerts=${o.hangAlerts} failovers=${hangFailovers}`,
    `drill: corrupt_state state_event=${yes(c.stateEvent)} request_rejected=${yes(c.requestRejected)} repaired=${yes(c.repaired)}`,
    `drill: leader_killed=${killed} failovers_started=${started} completed=${completed} takeover=${f(takeoverS)}s (kill → failed-over by the other replica) split_brain_writes=${o.splitBrainWrites}`,
  ];
  return { partitionFailovers, problems, lines };
}
