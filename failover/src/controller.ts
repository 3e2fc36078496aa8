import { describeError } from './errors.js';
import type { Dial } from './ga.js';
import type { ControlRequest, ControlResult } from './kube.js';
import {
  type Action,
  type Event,
  initialState,
  type Result,
  resume,
  type State,
  step,
} from './machine.js';
import type { Policy } from './policy.js';
import type { ProbeRound } from './prober.js';

/** Everything the loop touches, as small interfaces (fakes in tests, real adapters in main). */
export interface ControllerDeps {
  kube: {
    recordMode(mode: 'failed-over' | 'standby', minReplicas: number): Promise<void>;
    scale(minReplicas: number): Promise<void>;
    readyReplicas(): Promise<number>;
    loadState(): Promise<State | null>;
    saveState(state: State): Promise<void>;
    acquireLease(identity: string, durationSeconds: number, now: Date): Promise<boolean>;
    emitEvent(reason: string, message: string, now: Date): Promise<void>;
    readControl(): Promise<{ request: ControlRequest | null; result: ControlResult | null }>;
    completeRequest(result: ControlResult): Promise<void>;
  };
  ga: { setDials(dials: readonly Dial[]): Promise<void>; primaryHealthy(): Promise<boolean> };
  probeRound(): Promise<ProbeRound>;
  /** Whether the primary region reports its capacity ready (failback pre-check). */
  primaryCapacityReady(): Promise<boolean>;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
  };
  metrics: {
    mode(mode: string): void;
    probes(round: ProbeRound): void;
    transition(from: string, to: string): void;
    stepDuration(step: string, outcome: 'ok' | 'error' | 'dry-run', seconds: number): void;
  };
  now(): number;
  policy: Policy;
  identity: string;
  leaseSeconds: number;
  dryRun: boolean;
}

/**
 * The controller loop, one `cycle()` per probe interval: hold the Lease, pick up a CLI request,
 * probe, step the pure machine, perform its actions (feeding outcomes back), persist the state.
 */
export class Controller {
  private state: State | null = null;
  private dryRunHandled: string | null = null;

  constructor(private readonly d: ControllerDeps) {}

  get current(): State | null {
    return this.state;
  }

  async cycle(): Promise<void> {
    const now = this.d.now();
    const leader = await this.d.kube.acquireLease(
      this.d.identity,
      this.d.leaseSeconds,
      new Date(now),
    );
    if (!leader) {
      if (this.state !== null) this.d.log.info({ identity: this.d.identity }, 'lost leadership');
      this.state = null;
      return;
    }
    if (this.state === null) {
      const loaded = (await this.d.kube.loadState()) ?? initialState;
      await this.apply(resume(loaded, this.d.policy), loaded);
    }
    const control = await this.d.kube.readControl();
    // A dry run writes nothing, so the request stays in the ConfigMap: remember it in memory
    // instead, or every later cycle would handle it again.
    if (control.request && control.request.id !== this.dryRunHandled) {
      await this.handleRequest(control.request);
      if (this.d.dryRun) this.dryRunHandled = control.request.id;
    }

    const round = await this.d.probeRound();
    this.d.metrics.probes(round);
    let gaPrimaryHealthy: boolean | null = null;
    try {
      gaPrimaryHealthy = await this.d.ga.primaryHealthy();
    } catch (error) {
      this.d.log.warn({ err: describeError(error) }, 'GA health unavailable (advisory only)');
    }
    await this.dispatch({ type: 'round', ...round, gaPrimaryHealthy });
  }

  private async handleRequest(request: ControlRequest): Promise<void> {
    const event: Event =
      request.type === 'failover'
        ? { type: 'manual-failover', reason: request.reason }
        : { type: 'manual-failback', primaryCapacityReady: await this.d.primaryCapacityReady() };
    const reasons = await this.dispatch(event);
    const mode = this.state?.mode ?? 'unknown';
    if (!this.d.dryRun) await this.d.kube.completeRequest({ id: request.id, mode, reasons });
  }

  /** Steps the machine with `event` and performs the resulting actions. Returns the reasons. */
  async dispatch(event: Event): Promise<string[]> {
    const before = this.state ?? initialState;
    const result = step(before, event, this.d.now(), this.d.policy);
    return this.apply(result, before);
  }

  private async apply(first: Result, before: State): Promise<string[]> {
    let result = first;
    let previous = before;
    const reasons: string[] = [];
    for (let guard = 0; guard < 20; guard += 1) {
      reasons.push(...result.reasons);
      this.state = result.state;
      if (result.reasons.length > 0 || result.actions.length > 0) {
        this.d.log.info(
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
      if (previous.mode !== result.state.mode) {
        this.d.metrics.transition(previous.mode, result.state.mode);
      }
      this.d.metrics.mode(result.state.mode);
      if (!this.d.dryRun) await this.d.kube.saveState(result.state);
      const feedback = await this.perform(result.actions);
      if (feedback === null) break;
      previous = result.state;
      result = step(result.state, feedback, this.d.now(), this.d.policy);
    }
    return reasons;
  }

  /** Performs actions in order; returns the step outcome event to feed back, if any. */
  private async perform(actions: readonly Action[]): Promise<Event | null> {
    let feedback: Event | null = null;
    for (const action of actions) {
      const stepName = this.state?.step;
      const started = this.d.now();
      if (this.d.dryRun) {
        this.d.log.info({ action, dryRun: true }, 'dry-run: action not performed');
        if (action.type !== 'emit-event' && stepName) {
          this.d.metrics.stepDuration(stepName, 'dry-run', 0);
          feedback = { type: 'step-done', step: stepName };
        }
        continue;
      }
      try {
        await this.run(action);
        if (action.type !== 'emit-event' && stepName) {
          this.d.metrics.stepDuration(stepName, 'ok', (this.d.now() - started) / 1000);
          feedback = { type: 'step-done', step: stepName };
        }
      } catch (error) {
        const message = describeError(error);
        if (action.type === 'emit-event') {
          this.d.log.warn({ err: message }, 'could not create Kubernetes Event');
          continue;
        }
        if (stepName) {
          this.d.metrics.stepDuration(stepName, 'error', (this.d.now() - started) / 1000);
          this.d.log.warn({ step: stepName, err: message }, 'step failed');
          feedback = { type: 'step-failed', step: stepName, error: message };
        }
      }
    }
    return feedback;
  }

  private async run(action: Action): Promise<void> {
    switch (action.type) {
      case 'record-mode':
        return this.d.kube.recordMode(action.mode, action.minReplicas);
      case 'scale':
        return this.d.kube.scale(action.minReplicas);
      case 'set-dials':
        return this.d.ga.setDials(action.dials);
      case 'emit-event':
        return this.d.kube.emitEvent(action.reason, action.message, new Date(this.d.now()));
      case 'wait-ready': {
        const ready = await this.d.kube.readyReplicas();
        if (ready < action.minReplicas) {
          throw new Error(`standby has ${ready}/${action.minReplicas} ready replicas`);
        }
        return;
      }
    }
  }
}
