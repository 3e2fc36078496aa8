/**
 * The drill's figures and goal checks: pure functions over what the drill observed (`Observed`),
 * unit-tested with literal fixtures (test/drill.test.ts). `run-drill.ts` does the observing.
 */
import {
  type DrillFigures,
  type DrillReport,
  fmt,
  GOALS,
  type Observed,
  type Sample,
  secs,
} from './drill-report.js';
import { resilienceChecks } from './drill-resilience.js';

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

type LeftStandby = (from: number, to: number) => number;

/** The failover after the kill: detection, traffic on the standby, capacity, failed requests. */
function failoverFigures(o: Observed, kill: number) {
  const { marks, samples, transitions } = o;
  const detectAt = transitions.find((t) => t.to === 'failing-over' && t.at >= kill)?.at ?? null;
  const trafficWindow = samples.filter(
    (s) => s.at >= kill && s.at < (marks.failbackCommand ?? marks.end),
  );
  const scaledAt = o.capacity.find(
    (c) => c.at >= kill && c.ready >= o.policy.failedOverMinReplicas,
  )?.at;
  const failed = samples.filter((s) => !s.ok);
  return {
    detectS: detectAt === null ? null : secs(detectAt - kill),
    failedOver: transitions.some((t) => t.to === 'failed-over' && t.at >= kill),
    trafficS:
      marks.kill === null
        ? null
        : settledAfter(trafficWindow, kill, (s) => s.ok && s.region === 'eu-west-2'),
    scaledS: scaledAt === undefined ? null : secs(scaledAt - kill),
    failed,
    failedOutsideDetection: failed.filter(
      (s) => s.done < kill || detectAt === null || s.done > detectAt,
    ).length,
  };
}

/** The flapping and near-miss phases: probes failed, and failovers they set off (none wanted). */
function probePhases(o: Observed, kill: number, leftStandby: LeftStandby) {
  const { marks } = o;
  const flapStart = marks.flapStart ?? marks.end;
  const flapEnd = marks.flapEnd ?? marks.end;
  const nearMissEnd = marks.nearMissEnd ?? marks.end;
  const phase = (from: number, to: number, probes: Observed['flapProbes'], until: number) => ({
    seconds: secs(to - from),
    probes: probes.requests,
    failed: probes.failed,
    falseFailovers: leftStandby(from, until),
  });
  return {
    flapping: phase(flapStart, flapEnd, o.flapProbes, flapEnd),
    nearMiss: phase(flapEnd, nearMissEnd, o.nearMissProbes, kill),
  };
}

function failbackFigures(o: Observed, failed: readonly Sample[]): DrillReport['failback'] {
  const { marks, transitions } = o;
  const pinnedBackAt = transitions.find((t) => t.to === 'failing-back')?.at ?? null;
  const scaledDownAt =
    pinnedBackAt === null
      ? undefined
      : o.capacity.find((c) => c.at >= pinnedBackAt && c.floor <= o.policy.standbyMinReplicas)?.at;
  const afterCommand = o.samples.filter((s) => s.at >= (marks.failbackCommand ?? marks.end));
  return {
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
}

type Parts = Omit<DrillReport, 'lines' | 'problems'> & { failedOver: boolean };

/** The goals of the flapping, near-miss, failover and failback phases that were missed. */
function missedGoals(o: Observed, r: Parts): string[] {
  const { figures, flapping, nearMiss, failback } = r;
  const problems: string[] = [];
  const { falseFailovers } = figures;
  if (falseFailovers > 0) problems.push(`${falseFailovers} false failover(s) before the kill`);
  if (flapping.failed === 0 || flapping.failed < Math.floor(flapping.probes / o.flapEvery)) {
    problems.push(
      `flapping failed ${flapping.failed} of ${flapping.probes} probes, expected 1 in ${o.flapEvery}`,
    );
  }
  if (nearMiss.probes > 0 && nearMiss.failed === 0) {
    problems.push('the near-miss phase failed no probe');
  }
  if (!r.failedOver) problems.push('the controller did not reach failed-over after the kill');
  if (figures.detectS === null || figures.detectS > GOALS.detectS) {
    problems.push(`detect > ${GOALS.detectS} s`);
  }
  if (figures.trafficS === null || figures.trafficS > GOALS.trafficS) {
    problems.push(`traffic not on the standby within ${GOALS.trafficS} s`);
  }
  if (r.failedOutsideDetection > 0) {
    problems.push(`${r.failedOutsideDetection} failed request(s) outside the detection window`);
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
  if (failback.scaledDownS === null || failback.scaledDownS * 1000 < o.policy.failbackCooldownMs) {
    problems.push('standby not scaled down, or scaled down before the cool-down elapsed');
  }
  if (o.finalMode !== 'standby' || o.drMode !== 'standby') {
    problems.push(`ended in mode ${o.finalMode} (DR_MODE ${o.drMode}), expected standby`);
  }
  return problems;
}

/** Pure: figures and goal checks from what the drill observed. */
export function summarize(o: Observed): DrillReport {
  const { policy, marks, transitions } = o;
  const kill = marks.kill ?? marks.end;
  const leftStandby: LeftStandby = (from, to) =>
    transitions.filter((t) => t.from === 'standby' && t.at >= from && t.at < to).length;
  const failover = failoverFigures(o, kill);
  const { flapping, nearMiss } = probePhases(o, kill, leftStandby);
  const resilience = resilienceChecks(o, kill, leftStandby);
  const failback = failbackFigures(o, failover.failed);
  const figures: DrillFigures = {
    detectS: failover.detectS,
    trafficS: failover.trafficS,
    scaledS: failover.scaledS,
    failedRequests: failover.failed.length,
    totalRequests: o.samples.length,
    falseFailovers: leftStandby(0, kill),
    splitBrainWrites: o.splitBrainWrites,
    partitionFailovers: resilience.partitionFailovers,
  };
  const { failedOutsideDetection } = failover;
  const parts = { figures, flapping, nearMiss, failedOutsideDetection, failback };
  const problems = [
    ...o.errors,
    ...resilience.problems,
    ...missedGoals(o, { ...parts, failedOver: failover.failedOver }),
  ];
  const lines = [
    `drill: policy interval=${policy.intervalMs}ms quorum=${policy.probeQuorum}/${o.probesPerRound} failed_rounds=${policy.failedRounds} window=${policy.windowMs}ms failback_healthy=${policy.failbackHealthyMs}ms cooldown=${policy.failbackCooldownMs}ms`,
    `drill: flapping=${fmt(flapping.seconds)}s probes=${flapping.probes} failed=${flapping.failed} (1 in ${o.flapEvery}: 503 or dropped) false_failovers=${flapping.falseFailovers}`,
    `drill: near_miss=${fmt(nearMiss.seconds)}s probes=${nearMiss.probes} failed=${nearMiss.failed} (${policy.failedRounds - 1} failed rounds, then one passing) false_failovers=${nearMiss.falseFailovers}`,
    ...resilience.lines,
    `drill: failover detect=${fmt(figures.detectS)}s traffic=${fmt(figures.trafficS)}s scaled=${fmt(figures.scaledS)}s failed_requests_outside_detection=${failedOutsideDetection}`,
    `drill: failback refused_while_down=${failback.refusedWhileDown ? 'yes' : 'no'}${o.refusedWhileDown ? ` (${o.refusedWhileDown.reasons.join('; ')})` : ''}`,
    `drill: failback=${fmt(failback.trafficS)}s dials=primary:${o.dials.primary}/standby:${o.dials.standby} scaled_down=${fmt(failback.scaledDownS)}s after pin (cool-down ${fmt(secs(policy.failbackCooldownMs))}s) failed_requests=${failback.failedRequests} mode=${o.finalMode}`,
    ...problems.map((p) => `drill: GOAL MISSED: ${p}`),
  ];
  return { ...parts, lines, problems };
}
