/**
 * The drill's phases, in order (run-drill.ts runs them under client load and summarizes). Each one
 * sets a fault, waits, and records what it saw in `found`/`marks`; it returns false when the drill
 * cannot go on (a wait ran past its bound), which ends the sequence.
 */
import type { ControlResult } from '../src/kube.js';
import type { Policy } from '../src/policy.js';
import type { Found, Marks } from './drill-report.js';
import { STATE } from './local-cluster.js';
import type { LocalEnv } from './local-env.js';

export interface PhaseTimes {
  baselineMs: number;
  flappingMs: number;
  flapEvery: number;
  nearMissCycles: number;
  partitionMs: number;
  hangMs: number;
}

/** One drill run as the phases see it. */
export interface DrillRun {
  env: LocalEnv;
  policy: Policy;
  times: PhaseTimes;
  marks: Marks;
  found: Found;
  errors: string[];
  log(line: string): void;
  /** Records that the drill enters `phase` now (the report's phases, the progress line). */
  enter(phase: string, note: string): void;
  stopped(): boolean;
  /** Waits until `cond` holds; false when `boundMs` or the drill's deadline passes first. */
  waitFor(cond: () => boolean, boundMs: number): Promise<boolean>;
  /** The leading replica's mode. */
  mode(): string;
}

type Phase = (r: DrillRun) => Promise<boolean>;

const pause = (r: DrillRun, ms: number) => r.waitFor(() => false, ms);
/** A failover set off late by a fault must count as false, not as the next phase's. */
const settle = (r: DrillRun) => pause(r, r.policy.failedRounds * r.policy.intervalMs);
const count = (r: DrillRun, reason: string) => r.env.events().filter((e) => e === reason).length;
const failbackVia = async (r: DrillRun): Promise<ControlResult> =>
  JSON.parse(await r.env.cli(['failback'])) as ControlResult;

const flapping: Phase = async (r) => {
  r.enter('baseline', 'both regions healthy, steady client load');
  await pause(r, r.times.baselineMs);
  r.enter('flapping', `1 primary probe in ${r.times.flapEvery} fails`);
  r.marks.flapStart = Date.now();
  r.env.flaky.flap(r.times.flapEvery);
  await pause(r, r.times.flappingMs);
  r.found.flapProbes = r.env.flaky.stats();
  r.marks.flapEnd = Date.now();
  return true;
};

/**
 * Near misses: one round short of a failover, over and over; the consecutive-round rule (not a
 * count of failures in the window) is what keeps the controller from failing over.
 */
const nearMisses: Phase = async (r) => {
  const { env, policy } = r;
  r.enter('near-misses', `${policy.failedRounds - 1} failed rounds, then one passes`);
  env.flaky.flapRounds(policy.failedRounds - 1, env.probesPerRound);
  await pause(r, r.times.nearMissCycles * policy.failedRounds * policy.intervalMs);
  r.found.nearMissProbes = env.flaky.stats();
  env.flaky.flap(0);
  r.marks.nearMissEnd = Date.now();
  r.enter('settle', 'a failover set off late would count as false');
  await settle(r);
  return true;
};

/** One-sided partition: the standby's probes all fail, the edge (GA) still reaches the primary. */
const partition: Phase = async (r) => {
  const alertsBefore = count(r, 'DRPartitionSuspected');
  r.enter('partition', 'every standby probe fails, the edge still serves the primary');
  r.marks.partitionStart = Date.now();
  r.env.flaky.flap(1);
  await pause(r, r.times.partitionMs);
  r.env.flaky.flap(0);
  r.marks.partitionEnd = Date.now();
  r.found.partitionAlerts = count(r, 'DRPartitionSuspected') - alertsBefore;
  await settle(r);
  return true;
};

/**
 * An outage as the standby sees it (every probe fails) while GA's describe hangs: the loop must
 * keep probing every round (deadlines), and with no witness nothing may fail over.
 */
const gaHang: Phase = async (r) => {
  const { env, marks } = r;
  const unconfirmedBefore = count(r, 'DRUnconfirmed');
  r.enter('ga-hang', "GA's describe hangs while every standby probe fails");
  const start = Date.now();
  marks.hangStart = start;
  env.flaky.flap(1); // resets the request count
  env.ga.hangDescribe(true);
  await pause(r, r.times.hangMs);
  r.found.hangRounds = Math.floor(env.flaky.stats().requests / env.probesPerRound);
  env.flaky.flap(0);
  env.ga.hangDescribe(false);
  const end = Date.now();
  marks.hangEnd = end;
  r.found.hangAlerts = count(r, 'DRUnconfirmed') - unconfirmedBefore;
  r.log(`ga describe hung ${end - start} ms: ${r.found.hangRounds} probe rounds`);
  await settle(r);
  return true;
};

/** A corrupt state value and an invalid request, written behind the controller's back. */
const corruptState: Phase = async (r) => {
  const { env } = r;
  const eventsBefore = env.events().length;
  r.enter('corrupt-state', 'an unparsable state and an invalid request, behind its back');
  const cm = env.objects.get(STATE) as {
    data?: Record<string, string>;
    metadata?: Record<string, unknown>;
  };
  env.objects.set(STATE, {
    ...cm,
    metadata: { ...cm.metadata, resourceVersion: `${Date.now()}` },
    data: { ...cm.data, state: '{"mode":"sideways"', request: '{"id":"bad-1","type":"explode"}' },
  });
  const seen = () => {
    const newEvents = env.events().slice(eventsBefore);
    const after = (env.objects.get(STATE) as { data?: Record<string, string> }).data ?? {};
    r.found.corrupt = {
      stateEvent: newEvents.includes('DRStateInvalid'),
      requestRejected: newEvents.includes('DRRequestRejected') && after.request === undefined,
      repaired: modeOf(after.state) === 'standby',
    };
    return Object.values(r.found.corrupt).every(Boolean);
  };
  // usually 1–2 rounds; a loaded machine delays rounds, so wait for it (bounded) rather than 4
  await r.waitFor(seen, 20 * r.policy.intervalMs);
  r.marks.corruptEnd = Date.now();
  await settle(r);
  return true;
};

function modeOf(state: string | undefined): string | undefined {
  try {
    return (JSON.parse(state ?? '') as { mode?: string }).mode;
  } catch {
    return undefined;
  }
}

/**
 * The primary dies; the leader is killed (SIGKILL, no Lease release) mid-failover, and the other
 * replica must take over and complete the failover exactly once.
 */
const killMidFailover: Phase = async (r) => {
  const { env } = r;
  r.enter('kill', 'the primary is SIGKILLed; waiting for the failover');
  const kill = Date.now();
  r.marks.kill = kill;
  await env.killPrimary();
  const started = () => env.transitions.some((t) => t.at >= kill && t.to === 'failing-over');
  if (!(await r.waitFor(started, 30_000))) return false;
  const victim = env.leader();
  if (victim) {
    const mode = victim.controller.current?.mode ?? 'unknown';
    r.enter('takeover', `leader ${victim.identity} killed in ${mode}; the other replica finishes`);
    r.found.killedLeader = { identity: victim.identity, mode, at: Date.now() };
    await victim.kill();
    r.log(`killed ${victim.identity} in ${mode}`);
  }
  return r.waitFor(() => r.mode() === 'failed-over', 90_000);
};

/** Failback refused while the primary is down, then through the CLI once the pre-checks pass. */
const failback: Phase = async (r) => {
  const { env, policy } = r;
  r.enter('failback-early', 'failback asked while the primary is down: must be refused');
  r.found.refusedWhileDown = await failbackVia(r);
  if (r.stopped()) return false;
  r.enter(
    'restore',
    `primary restarted; failback once healthy ${policy.failbackHealthyMs / 1000} s`,
  );
  r.marks.restored = Date.now();
  await env.restartPrimary();
  const healthyLongEnough = () => {
    const since = env.controller.current?.primaryHealthySince ?? null;
    return since !== null && Date.now() - since >= policy.failbackHealthyMs;
  };
  if (!(await r.waitFor(healthyLongEnough, policy.failbackHealthyMs + 30_000))) {
    r.errors.push('the primary never stayed healthy for the failback pre-check');
    return false;
  }
  // a round failing on a loaded machine resets the healthy time: retry a few times, bounded
  r.enter('failback', 'failback through the CLI; dials back to the primary');
  for (let attempt = 1; attempt <= 3 && !r.stopped(); attempt += 1) {
    r.marks.failbackCommand = Date.now();
    const result = await failbackVia(r);
    r.found.failback = result;
    if (result.mode !== 'failed-over') break;
    r.log(`failback refused (attempt ${attempt}): ${result.reasons.join('; ')}`);
    await r.waitFor(healthyLongEnough, policy.failbackHealthyMs + 10_000);
  }
  r.enter(
    'scale-down',
    `cool-down ${policy.failbackCooldownMs / 1000} s, then the standby scales down`,
  );
  const scaledDown = () =>
    r.mode() === 'standby' && (env.capacity.at(-1)?.ready ?? 0) <= policy.standbyMinReplicas;
  await r.waitFor(scaledDown, policy.failbackCooldownMs + 30_000);
  await pause(r, Math.max(1000, 2 * policy.intervalMs));
  return true;
};

const phases: readonly Phase[] = [
  flapping,
  nearMisses,
  partition,
  gaHang,
  corruptState,
  killMidFailover,
  failback,
];

/** Runs the phases in order until one cannot go on or the drill is stopped. */
export async function runPhases(r: DrillRun): Promise<void> {
  for (const phase of phases) {
    if (r.stopped() || !(await phase(r))) return;
  }
}
