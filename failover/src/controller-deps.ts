import type { Dial } from './ga.js';
import type { LoadedState, PendingRequest } from './kube.js';
import type { Policy } from './policy.js';
import type { ProbeRound } from './prober.js';
import type { ControlResult } from './schema.js';
import type { State } from './state.js';

/**
 * What the controller loop touches, as small interfaces: fakes in tests, the real adapters
 * (kube.ts, ga.ts, route53.ts, elector.ts, prober.ts, metrics.ts) in cli.ts and local/.
 */
/** Proof of leadership (LeaderElector): `guard()` throws FENCED when it cannot be proven. */
export interface Leadership {
  leading(): boolean;
  guard(): AbortSignal;
  readonly epoch: number;
}

/** Everything the loop touches, as small interfaces (fakes in tests, real adapters in main). */
export interface ControllerDeps {
  kube: {
    recordMode(
      mode: 'failed-over' | 'standby',
      minReplicas: number,
      signal: AbortSignal,
    ): Promise<void>;
    scale(minReplicas: number, signal: AbortSignal): Promise<void>;
    readyReplicas(signal: AbortSignal): Promise<number>;
    loadState(signal: AbortSignal): Promise<LoadedState>;
    /** DR_MODE in the overrides ConfigMap: where an invalid state is recovered from. */
    recordedMode(signal: AbortSignal): Promise<'failed-over' | 'standby' | null>;
    /** Saves if the state ConfigMap is still at `version`; throws CONFLICT otherwise. */
    saveState(state: State, version: string | null, signal: AbortSignal): Promise<string>;
    emitEvent(
      reason: string,
      message: string,
      type: 'Normal' | 'Warning',
      now: Date,
      signal: AbortSignal,
    ): Promise<void>;
    readControl(
      signal: AbortSignal,
    ): Promise<{ request: PendingRequest | null; result: ControlResult | null }>;
    /** Removes the request and stores its result, if still at `version`; returns the new one. */
    completeRequest(
      result: ControlResult,
      version: string | null,
      signal: AbortSignal,
    ): Promise<string>;
  };
  ga: {
    setDials(dials: readonly Dial[], signal: AbortSignal): Promise<void>;
    primaryHealthy(signal: AbortSignal): Promise<boolean>;
  };
  /** Route 53 health checks of the primary (null when not configured). */
  route53: { primaryHealthy(signal: AbortSignal): Promise<boolean | null> } | null;
  leadership: Leadership;
  probeRound(signal: AbortSignal): Promise<ProbeRound>;
  /** Whether the primary region reports its capacity ready (failback pre-check). */
  primaryCapacityReady(signal: AbortSignal): Promise<boolean>;
  log: {
    /** Routine, per-round lines (a healthy round); pino drops them below LOG_LEVEL=debug. */
    debug(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
  metrics: {
    mode(mode: string): void;
    probes(round: ProbeRound): void;
    transition(from: string, to: string): void;
    stepDuration(step: string, outcome: 'ok' | 'error' | 'dry-run', seconds: number): void;
    alert(reason: string): void;
  };
  now(): number;
  policy: Policy;
  /** Deadline of one whole cycle; and of the advisory witness calls (GA, Route 53) inside it. */
  roundTimeoutMs: number;
  advisoryTimeoutMs: number;
  dryRun: boolean;
}

/** Metrics that record nothing: tests and the local environment add what they watch. */
export const noMetrics: ControllerDeps['metrics'] = {
  mode: () => {},
  probes: () => {},
  transition: () => {},
  stepDuration: () => {},
  alert: () => {},
};
