import { runAction } from './act.js';
import type { ControllerDeps } from './controller-deps.js';
import { decisionLevel } from './decision-level.js';
import { bounded, callSignal, describeError, isCode } from './errors.js';
import { classifyRound, resume, step } from './machine.js';
import { observeRound } from './observe.js';
import { requestOutcome } from './outcome.js';
import { recoverState } from './schema.js';
import {
  type Action,
  type Event,
  initialState,
  type Result,
  type RoundEvent,
  type State,
} from './state.js';

export type { ControllerDeps, Leadership } from './controller-deps.js';

/** Stop acting: leadership lost or the state moved under us; the next cycle re-reads. */
class Stop extends Error {}

/**
 * The controller loop, one `cycle()` per probe interval: probe and ask the witnesses (always, even
 * when the state is unreadable), and if this replica provably leads: (re)load the validated state,
 * pick up a CLI request, step the pure machine, persist the state (resourceVersion precondition)
 * and perform its actions. Every write is guarded by the leadership fence and every call bounded.
 */
export class Controller {
  private state: State | null = null;
  private version: string | null = null;
  private epoch = -1;
  private dryRunHandled: string | null = null;
  private lastRoundFailed = false;

  constructor(private readonly d: ControllerDeps) {}

  get current(): State | null {
    return this.state;
  }

  /** One cycle, bounded by the round deadline; rejects when the cycle failed (see /healthz). */
  async cycle(): Promise<void> {
    const round = callSignal(undefined, this.d.roundTimeoutMs);
    await bounded(this.cycleWithin(round), round, 'round');
  }

  private async cycleWithin(signal: AbortSignal): Promise<void> {
    const observed = this.observe(signal);
    if (!this.d.leadership.leading()) {
      if (this.state !== null) this.d.log.warn({}, 'not leading: stopped acting');
      this.state = null;
      await observed;
      return;
    }
    try {
      if (this.state === null || this.epoch !== this.d.leadership.epoch) await this.load(signal);
      await this.handleControl(signal);
      const round = await observed;
      await this.dispatch(round, signal);
    } catch (error) {
      await observed.catch(() => null);
      if (!(error instanceof Stop)) throw error;
    }
  }

  private async observe(signal: AbortSignal): Promise<RoundEvent> {
    const askWitnesses = this.lastRoundFailed && this.d.leadership.leading();
    const round = await observeRound(this.d, askWitnesses, signal);
    this.lastRoundFailed = classifyRound(round, this.d.policy) === 'failed';
    return round;
  }

  /** Signal for a write: throws FENCED unless leadership is provable, aborts when it lapses. */
  private writeSignal(signal: AbortSignal): AbortSignal {
    try {
      return AbortSignal.any([signal, this.d.leadership.guard()]);
    } catch (error) {
      this.state = null;
      this.d.log.warn({ err: describeError(error) }, 'leadership not provable: no write');
      throw new Stop();
    }
  }

  /** (Re)reads the state after gaining leadership or a conflict; invalid state never stops probing. */
  private async load(signal: AbortSignal): Promise<void> {
    const loaded = await this.d.kube.loadState(signal);
    this.epoch = this.d.leadership.epoch;
    this.version = loaded.version;
    let base = loaded.state ?? initialState;
    if (loaded.invalid !== null) {
      const recorded = await this.d.kube.recordedMode(signal).catch(() => null);
      base = recoverState(recorded, loaded.invalid);
      this.d.log.error(
        { err: loaded.invalid, recovered: base.mode },
        'persisted state invalid: recovered from DR_MODE',
      );
      this.d.metrics.alert('DRStateInvalid');
      await this.event(
        'DRStateInvalid',
        `${loaded.invalid}; recovered as ${base.mode} from DR_MODE, probing continues`,
        'Warning',
        signal,
      );
    }
    this.state = base;
    await this.apply(resume(base, this.d.policy), base, signal);
  }

  private async handleControl(signal: AbortSignal): Promise<void> {
    const { request } = await this.d.kube.readControl(signal);
    if (request === null) return;
    if (!request.ok) {
      const message = `request rejected: ${request.error}`;
      this.d.log.error({ id: request.id, err: request.error }, 'invalid control request rejected');
      this.d.metrics.alert('DRRequestRejected');
      if (this.d.dryRun) return;
      await this.write(
        (v, s) =>
          this.d.kube.completeRequest(
            {
              id: request.id,
              mode: this.state?.mode ?? 'unknown',
              reasons: [message],
              outcome: 'refused',
            },
            v,
            s,
          ),
        signal,
      );
      await this.event('DRRequestRejected', message, 'Warning', signal);
      return;
    }
    // A dry run writes nothing, so the request stays in the ConfigMap: remember it in memory
    // instead, or every later cycle would handle it again.
    const r = request.request;
    if (r.id === this.dryRunHandled) return;
    const event: Event =
      r.type === 'failover'
        ? { type: 'manual-failover', reason: r.reason }
        : {
            type: 'manual-failback',
            primaryCapacityReady: await this.d.primaryCapacityReady(signal),
          };
    const before = (this.state ?? initialState).mode;
    const reasons = await this.dispatch(event, signal);
    if (this.d.dryRun) {
      this.dryRunHandled = r.id;
      return;
    }
    const mode = this.state?.mode ?? before;
    const outcome = requestOutcome(r.type, before, mode);
    await this.write(
      (v, s) => this.d.kube.completeRequest({ id: r.id, mode, reasons, outcome }, v, s),
      signal,
    );
  }

  /** Steps the machine with `event` and performs the resulting actions. Returns the reasons. */
  async dispatch(event: Event, signal: AbortSignal): Promise<string[]> {
    const before = this.state ?? initialState;
    const result = step(before, event, this.d.now(), this.d.policy);
    return this.apply(result, before, signal);
  }

  private async apply(first: Result, before: State, signal: AbortSignal): Promise<string[]> {
    let result = first;
    let previous = before;
    const reasons: string[] = [];
    for (let guard = 0; guard < 20; guard += 1) {
      reasons.push(...result.reasons);
      // logged once saved: a decision whose save lost its precondition is taken again, not twice
      if (!this.d.dryRun) await this.save(result.state, signal);
      this.logDecision(previous, result);
      this.state = result.state;
      if (previous.mode !== result.state.mode) {
        this.d.metrics.transition(previous.mode, result.state.mode);
      }
      this.d.metrics.mode(result.state.mode);
      const feedback = await this.perform(result.actions, signal);
      if (feedback === null) break;
      previous = result.state;
      result = step(result.state, feedback, this.d.now(), this.d.policy);
    }
    return reasons;
  }

  /** Persists before acting: a replica whose write lost its precondition stops and re-reads. */
  private save(state: State, signal: AbortSignal): Promise<void> {
    return this.write((v, s) => this.d.kube.saveState(state, v, s), signal);
  }

  /**
   * A write to the state ConfigMap, preconditioned on the version this leader last read or wrote
   * (so its own writes chain, and anyone else's write in between is a conflict: stop, re-read).
   */
  private async write(
    run: (version: string | null, signal: AbortSignal) => Promise<string>,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      this.version = await run(this.version, this.writeSignal(signal));
    } catch (error) {
      if (!isCode(error, 'CONFLICT') && !isCode(error, 'FENCED')) throw error;
      // CONFLICT is routine (a CLI request was written in between); FENCED is worth a warning
      const level = isCode(error, 'CONFLICT') ? 'info' : 'warn';
      this.d.log[level](
        { err: describeError(error) },
        'state write rejected: re-reading next cycle',
      );
      this.state = null;
      throw new Stop();
    }
  }

  private logDecision(before: State, result: Result): void {
    if (result.reasons.length === 0 && result.actions.length === 0) return;
    this.d.log[decisionLevel(before, result)](
      {
        mode: result.state.mode,
        step: result.state.step,
        reasons: result.reasons,
        actions: result.actions.map((a) => a.type),
        dryRun: this.d.dryRun,
      },
      'decision',
    );
  }

  /** Performs actions in order; returns the step outcome event to feed back, if any. */
  private async perform(actions: readonly Action[], signal: AbortSignal): Promise<Event | null> {
    let feedback: Event | null = null;
    for (const action of actions) {
      const stepName = this.state?.step;
      const started = this.d.now();
      if (action.type === 'emit-event' && action.alert) {
        this.d.log.error({ reason: action.reason }, `ALERT: ${action.message}`);
        this.d.metrics.alert(action.reason);
      }
      if (this.d.dryRun) {
        this.d.log.info({ action, dryRun: true }, 'dry-run: action not performed');
        if (action.type !== 'emit-event' && stepName) {
          this.d.metrics.stepDuration(stepName, 'dry-run', 0);
          feedback = { type: 'step-done', step: stepName };
        }
        continue;
      }
      if (action.type === 'emit-event') {
        await this.event(
          action.reason,
          action.message,
          action.alert ? 'Warning' : 'Normal',
          signal,
        );
        continue;
      }
      try {
        await runAction(this.d, action, this.writeSignal(signal));
        if (stepName) {
          this.d.metrics.stepDuration(stepName, 'ok', (this.d.now() - started) / 1000);
          feedback = { type: 'step-done', step: stepName };
        }
      } catch (error) {
        if (error instanceof Stop || !this.d.leadership.leading()) throw new Stop();
        if (signal.aborted) throw error;
        // a condition that does not hold yet (replicas starting) is a wait, not a failure
        const waiting = isCode(error, 'WAITING');
        const message = waiting && error instanceof Error ? error.message : describeError(error);
        if (stepName) {
          this.d.metrics.stepDuration(stepName, 'error', (this.d.now() - started) / 1000);
          if (!waiting) this.d.log.warn({ step: stepName, err: message }, 'step failed');
          feedback = { type: 'step-failed', step: stepName, error: message, waiting };
        }
      }
    }
    return feedback;
  }

  /** Best effort: an Event that cannot be created is logged, never fatal. */
  private async event(
    reason: string,
    message: string,
    type: 'Normal' | 'Warning',
    signal: AbortSignal,
  ): Promise<void> {
    if (this.d.dryRun) return;
    try {
      await this.d.kube.emitEvent(
        reason,
        message,
        type,
        new Date(this.d.now()),
        this.writeSignal(signal),
      );
    } catch (error) {
      if (error instanceof Stop) throw error;
      this.d.log.warn({ err: describeError(error) }, 'could not create Kubernetes Event');
    }
  }
}
