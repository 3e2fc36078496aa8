import { confirmation, unconfirmed } from './confirm.js';
import type { Policy } from './policy.js';
import {
  type Action,
  type Event,
  failbackSteps,
  failoverSteps,
  type Mode,
  type Result,
  type RoundEvent,
  type State,
  type Step,
} from './state.js';

export { type Confirmation, confirmation, isolationMessage } from './confirm.js';

/**
 * The failover state machine: a pure function (state, event, now) → {state, actions, reasons}.
 * The controller performs the actions and feeds their outcome back as step-done / step-failed
 * events. Every step is idempotent, so a restarted controller re-issues the current step.
 */

type RoundVerdict = 'failed' | 'healthy' | 'mixed' | 'inconclusive';

/** Classifies one round: inconclusive while the reference check fails. */
export function classifyRound(round: RoundEvent, policy: Policy): RoundVerdict {
  if (!round.reference) return 'inconclusive';
  const failed = round.probes.filter((ok) => !ok).length;
  const passed = round.probes.length - failed;
  if (failed >= policy.probeQuorum) return 'failed';
  if (passed >= policy.probeQuorum) return 'healthy';
  return 'mixed';
}

type Group = 'primary' | 'standby';
/** All traffic to `to`: its dial up first, then the other's down. */
const pin = (to: Group, from: Group): Action => ({
  type: 'set-dials',
  dials: [
    { group: to, percent: 100 },
    { group: from, percent: 0 },
  ],
});

/** The action that performs `step` (null for steps that only wait). */
export function actionFor(step: Step, state: State, policy: Policy): Action | null {
  switch (step) {
    case 'record-mode':
      return {
        type: 'record-mode',
        mode: 'failed-over',
        minReplicas: policy.failedOverMinReplicas,
      };
    case 'scale-up':
      return { type: 'scale', minReplicas: policy.failedOverMinReplicas };
    case 'wait-ready':
      return {
        type: 'wait-ready',
        minReplicas: policy.failedOverMinReplicas,
        deadline: (state.stepStartedAt ?? 0) + policy.waitReadyTimeoutMs,
      };
    case 'pin-traffic':
      return pin('standby', 'primary');
    case 'pin-primary':
      return pin('primary', 'standby');
    case 'cool-down':
      return null;
    case 'scale-down':
      return { type: 'scale', minReplicas: policy.standbyMinReplicas };
    case 'record-standby':
      return { type: 'record-mode', mode: 'standby', minReplicas: policy.standbyMinReplicas };
  }
}

function stepsOf(mode: Mode): readonly Step[] {
  return mode === 'failing-back' ? failbackSteps : failoverSteps;
}

function enterStep(state: State, step: Step, now: number, policy: Policy): Result {
  const next: State = { ...state, step, stepStartedAt: now, attempts: 0, retryAt: null };
  const action = actionFor(step, next, policy);
  return { state: next, actions: action ? [action] : [], reasons: [`step ${step} started`] };
}

function transition(state: State, mode: Mode, reason: string, now: number, policy: Policy): Result {
  const base: State = { ...state, mode, reason, failedRounds: 0, firstFailedAt: null };
  const event: Action = {
    type: 'emit-event',
    reason: `DR${mode.replace(/(^|-)(\w)/g, (_, _d: string, c: string) => c.toUpperCase())}`,
    message: `${state.mode} → ${mode}: ${reason}`,
  };
  if (mode === 'failing-over' || mode === 'failing-back') {
    const first = stepsOf(mode)[0] as Step;
    const entered = enterStep(base, first, now, policy);
    return {
      state: entered.state,
      actions: [event, ...entered.actions],
      reasons: [reason, ...entered.reasons],
    };
  }
  return {
    state: { ...base, step: null, stepStartedAt: now, attempts: 0, retryAt: null },
    actions: [event],
    reasons: [reason],
  };
}

function onRound(state: State, round: RoundEvent, now: number, policy: Policy): Result {
  const verdict = classifyRound(round, policy);
  const failed = round.probes.filter((ok) => !ok).length;
  const ga =
    round.gaPrimaryHealthy === null ? 'unknown' : round.gaPrimaryHealthy ? 'healthy' : 'unhealthy';
  const r53 =
    round.r53PrimaryHealthy === undefined || round.r53PrimaryHealthy === null
      ? 'unknown'
      : round.r53PrimaryHealthy
        ? 'healthy'
        : 'unhealthy';
  const summary = `round ${verdict}: ${failed}/${round.probes.length} probes failed, reference ${round.reference ? 'ok' : 'failed'}, GA primary ${ga}, Route 53 primary ${r53}`;
  const healthySince = verdict === 'healthy' ? (state.primaryHealthySince ?? now) : null;
  let next: State = {
    ...state,
    primaryHealthySince: healthySince,
    isolatedSince: verdict === 'failed' ? state.isolatedSince : null,
  };

  if (state.mode !== 'standby') {
    next = { ...next, failedRounds: 0, firstFailedAt: null };
    const progressed = onTick(next, now, policy);
    return { ...progressed, reasons: [summary, ...progressed.reasons] };
  }
  if (verdict !== 'failed') {
    const why =
      verdict === 'inconclusive'
        ? 'reference check failed: the prober may be isolated, not failing over'
        : 'failure count reset';
    return {
      state: { ...next, failedRounds: 0, firstFailedAt: null },
      actions: [],
      reasons: state.failedRounds > 0 || verdict === 'inconclusive' ? [summary, why] : [summary],
    };
  }
  const inWindow = state.firstFailedAt !== null && now - state.firstFailedAt <= policy.windowMs;
  const count = inWindow ? state.failedRounds + 1 : 1;
  const firstFailedAt = inWindow ? state.firstFailedAt : now;
  next = { ...next, failedRounds: count, firstFailedAt };
  const progress = `${count}/${policy.failedRounds} consecutive failed rounds within ${policy.windowMs} ms`;
  if (count < policy.failedRounds)
    return { state: next, actions: [], reasons: [summary, progress] };
  const witness = confirmation(round);
  if (witness === 'confirmed') {
    return withReasons(
      transition(
        { ...next, isolatedSince: null },
        'failing-over',
        `primary unreachable: ${progress}, confirmed by ${round.gaPrimaryHealthy === false ? 'Global Accelerator' : 'Route 53'}`,
        now,
        policy,
      ),
      [summary],
    );
  }
  return unconfirmed(next, witness, now, [summary, progress]);
}

function withReasons(result: Result, before: string[]): Result {
  return { ...result, reasons: [...before, ...result.reasons] };
}

/** Re-issues a step whose retry time has come; ends the cool-down when it has elapsed. */
function onTick(state: State, now: number, policy: Policy): Result {
  if (state.step === 'cool-down' && state.stepStartedAt !== null) {
    if (now - state.stepStartedAt >= policy.failbackCooldownMs) {
      return advance(state, 'cool-down', now, policy, 'cool-down elapsed');
    }
    return { state, actions: [], reasons: [] };
  }
  if (state.step !== null && state.retryAt !== null && now >= state.retryAt) {
    const action = actionFor(state.step, state, policy);
    return {
      state: { ...state, retryAt: null },
      actions: action ? [action] : [],
      reasons: [`retrying step ${state.step} (attempt ${state.attempts + 1})`],
    };
  }
  return { state, actions: [], reasons: [] };
}

function advance(state: State, step: Step, now: number, policy: Policy, why: string): Result {
  const steps = stepsOf(state.mode);
  const index = steps.indexOf(step);
  const following = steps[index + 1];
  if (following !== undefined) return withReasons(enterStep(state, following, now, policy), [why]);
  const done = state.mode === 'failing-over' ? 'failed-over' : 'standby';
  return withReasons(transition(state, done, `all ${state.mode} steps done`, now, policy), [why]);
}

/** Resumes after a restart: re-issues the current step's action (steps are idempotent). */
export function resume(state: State, policy: Policy): Result {
  if (state.step === null) return { state, actions: [], reasons: [`resumed in ${state.mode}`] };
  const action = actionFor(state.step, state, policy);
  return {
    state: { ...state, retryAt: null },
    actions: action ? [action] : [],
    reasons: [`resumed ${state.mode} at step ${state.step}`],
  };
}

export function step(state: State, event: Event, now: number, policy: Policy): Result {
  switch (event.type) {
    case 'round':
      return onRound(state, event, now, policy);
    case 'tick':
      return onTick(state, now, policy);
    case 'manual-failover':
      if (state.mode !== 'standby') {
        return { state, actions: [], reasons: [`manual failover ignored: already ${state.mode}`] };
      }
      return transition(state, 'failing-over', `manual failover: ${event.reason}`, now, policy);
    case 'manual-failback': {
      if (state.mode !== 'failed-over') {
        return {
          state,
          actions: [],
          reasons: [`failback refused: mode is ${state.mode}, expected failed-over`],
        };
      }
      const healthyFor = state.primaryHealthySince === null ? 0 : now - state.primaryHealthySince;
      const refusals: string[] = [];
      if (healthyFor < policy.failbackHealthyMs) {
        refusals.push(
          `failback refused: primary healthy for ${healthyFor} ms, need ${policy.failbackHealthyMs} ms`,
        );
      }
      if (!event.primaryCapacityReady) {
        refusals.push('failback refused: primary capacity not ready');
      }
      if (refusals.length > 0) return { state, actions: [], reasons: refusals };
      return transition(
        state,
        'failing-back',
        `manual failback: primary healthy for ${healthyFor} ms and capacity ready`,
        now,
        policy,
      );
    }
    case 'step-done':
      if (event.step !== state.step) {
        return { state, actions: [], reasons: [`stale step-done for ${event.step} ignored`] };
      }
      return advance(state, event.step, now, policy, `step ${event.step} done`);
    case 'step-failed': {
      if (event.step !== state.step) {
        return { state, actions: [], reasons: [`stale step-failed for ${event.step} ignored`] };
      }
      if (event.step === 'wait-ready' && state.stepStartedAt !== null) {
        if (now - state.stepStartedAt >= policy.waitReadyTimeoutMs) {
          return advance(
            state,
            'wait-ready',
            now,
            policy,
            `standby not ready after ${policy.waitReadyTimeoutMs} ms (${event.error}); pinning traffic anyway`,
          );
        }
      }
      const attempts = state.attempts + 1;
      // wait-ready polls at the base delay; other steps back off exponentially
      const delay =
        event.step === 'wait-ready'
          ? policy.retryBaseMs
          : Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** (attempts - 1));
      const note =
        event.step === 'pin-traffic' || event.step === 'pin-primary'
          ? "; GA's own health-based failover still carries traffic"
          : '';
      const why = event.waiting
        ? `waiting for the standby: ${event.error}; checking again in ${delay} ms`
        : `step ${event.step} failed (${event.error}); retry in ${delay} ms${note}`;
      return { state: { ...state, attempts, retryAt: now + delay }, actions: [], reasons: [why] };
    }
  }
}
