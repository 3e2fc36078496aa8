/**
 * The issue #14 phases' figures and goal checks (pure): one-sided partition, GA describe hang,
 * corrupt state, leader killed mid-failover.
 */
import { fmt, type Observed, secs } from './drill-report.js';

/**
 * Pure: the issue #14 phases — one-sided partition, GA describe hang, corrupt state, leader killed
 * mid-failover — their failovers, alerts and goal checks, and their report lines.
 */
export function resilienceChecks(
  o: Observed,
  kill: number,
  leftStandby: (from: number, to: number) => number,
): { partitionFailovers: number; problems: string[]; lines: string[] } {
  const { policy, marks } = o;
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
    `drill: partition=${fmt(partitionS)}s (every standby probe fails, the edge serves) alerts=${o.partitionAlerts} partition_failovers=${partitionFailovers}`,
    `drill: ga_describe_hang=${fmt(hangS)}s (every standby probe fails too) probe_rounds=${o.hangRounds} (both replicas) alerts=${o.hangAlerts} failovers=${hangFailovers}`,
    `drill: corrupt_state state_event=${yes(c.stateEvent)} request_rejected=${yes(c.requestRejected)} repaired=${yes(c.repaired)}`,
    `drill: leader_killed=${killed} failovers_started=${started} completed=${completed} takeover=${fmt(takeoverS)}s (kill → failed-over by the other replica) split_brain_writes=${o.splitBrainWrites}`,
  ];
  return { partitionFailovers, problems, lines };
}
