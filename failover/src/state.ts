/**
 * The state machine's vocabulary (plain data): modes and steps, the persisted state, the events it
 * is fed and the actions it asks for. The decisions over them: machine.ts.
 */
export type Mode = 'standby' | 'failing-over' | 'failed-over' | 'failing-back';

export type FailoverStep = 'record-mode' | 'scale-up' | 'wait-ready' | 'pin-traffic';
export type FailbackStep = 'pin-primary' | 'cool-down' | 'scale-down' | 'record-standby';
export type Step = FailoverStep | FailbackStep;

export const failoverSteps: readonly FailoverStep[] = [
  'record-mode',
  'scale-up',
  'wait-ready',
  'pin-traffic',
];
export const failbackSteps: readonly FailbackStep[] = [
  'pin-primary',
  'cool-down',
  'scale-down',
  'record-standby',
];

export interface State {
  mode: Mode;
  /** Current step while failing over or back; null otherwise. */
  step: Step | null;
  /** When the current step (or mode) began, ms since epoch. */
  stepStartedAt: number | null;
  /** Failed attempts of the current step, and when it may be retried. */
  attempts: number;
  retryAt: number | null;
  /** Consecutive failed probe rounds and when the first of them happened. */
  failedRounds: number;
  firstFailedAt: number | null;
  /** Since when every round saw the primary healthy (null when the last round did not). */
  primaryHealthySince: number | null;
  /**
   * Since when the standby's own probes have called for a failover that no independent signal
   * confirmed (null otherwise): the alert is raised once per such episode.
   */
  isolatedSince: number | null;
  /** Why the last transition happened. */
  reason: string | null;
}

export const initialState: State = {
  mode: 'standby',
  step: null,
  stepStartedAt: null,
  attempts: 0,
  retryAt: null,
  failedRounds: 0,
  firstFailedAt: null,
  primaryHealthySince: null,
  isolatedSince: null,
  reason: null,
};

/** One probe round: each entry is one probe of the primary (true = healthy answer). */
export interface RoundEvent {
  type: 'round';
  probes: readonly boolean[];
  /** The prober's own connectivity check (false = the prober may be the isolated one). */
  reference: boolean;
  /**
   * The independent witnesses, null when unknown (call failed or timed out, or not configured):
   * Global Accelerator's own endpoint health of the primary group, and the Route 53 health check
   * of the primary's endpoint (checkers in several AWS regions). A failover needs one of them to
   * agree with the standby's probes.
   */
  gaPrimaryHealthy: boolean | null;
  r53PrimaryHealthy?: boolean | null;
}

export type Event =
  | RoundEvent
  | { type: 'tick' }
  | { type: 'manual-failover'; reason: string }
  | { type: 'manual-failback'; primaryCapacityReady: boolean }
  | { type: 'step-done'; step: Step }
  /** `waiting`: the step's condition does not hold yet (replicas starting), not an error. */
  | { type: 'step-failed'; step: Step; error: string; waiting?: boolean };

export type Action =
  | { type: 'record-mode'; mode: 'failed-over' | 'standby'; minReplicas: number }
  | { type: 'scale'; minReplicas: number }
  | { type: 'wait-ready'; minReplicas: number; deadline: number }
  | { type: 'set-dials'; dials: readonly { group: 'primary' | 'standby'; percent: number }[] }
  | {
      type: 'emit-event';
      reason: string;
      message: string;
      /** An alert: Warning Event, error-level log line and the isolation metric. */
      alert?: boolean;
    };

export interface Result {
  state: State;
  actions: Action[];
  reasons: string[];
}
