import type { FailoverState } from './failover.js';
import type { RegionPin } from './pin-file.js';

/**
 * The commit status the standby cluster's Flux notification-controller posts for its `apps`
 * Kustomization (Provider type `github`). From fluxcd/notification-controller
 * internal/notifier/github.go and util.go: context = lower("<Kind>/<name>/<first UID segment of the
 * Provider>"), e.g. `kustomization/apps/0c9c2e41`; state success for info events, failure for
 * error events (progressing events are skipped); description = the event reason split into lower
 * words ("reconciliation succeeded", "health check failed"). Both clusters' Kustomizations are
 * called `apps`, so only the Provider-UID part tells the standby's status from the primary's.
 */
export interface StatusSignal {
  readonly sha: string;
  readonly context: string;
  readonly state: 'success' | 'failure' | 'error' | 'pending';
  readonly description: string;
  /** `creator.login` of the status as the REST API reports it. */
  readonly creator: string;
}

/** The standby pin at one commit of main's first-parent history. */
export interface PinAtCommit {
  readonly sha: string;
  readonly standbyDigest: string | undefined;
}

export interface PromotionInput {
  readonly standbyRegion: string;
  readonly primaryRegion: string;
  /** The exact context of the standby's apps Kustomization status (see StatusSignal). */
  readonly expectedContext: string;
  /** The GitHub login whose token the standby's Flux Provider uses. */
  readonly expectedCreator: string;
  /** The commit the event named. */
  readonly sha: string;
  /** Newest status with `expectedContext` on `sha`, read back from the API; undefined if none. */
  readonly signal: StatusSignal | undefined;
  /**
   * main's first-parent history from HEAD (index 0) down to `sha` (last), with the standby pin at
   * each commit; undefined when `sha` is not within the searched history.
   */
  readonly history: readonly PinAtCommit[] | undefined;
  readonly standby: RegionPin;
  readonly primary: RegionPin;
  readonly failover: FailoverState;
}

export type Decision =
  | { readonly kind: 'promote'; readonly digest: string; readonly reasons: readonly string[] }
  /** Nothing to do and nothing to report (not our signal, pending, already done). */
  | { readonly kind: 'ignore'; readonly reasons: readonly string[] }
  /** The signal does not prove the current standby pin passed: report, change nothing. */
  | { readonly kind: 'reject'; readonly reasons: readonly string[] }
  /** The standby's release failed: the train stops, the primary keeps its release. */
  | { readonly kind: 'stop'; readonly digest: string; readonly reasons: readonly string[] }
  /** The standby passed but a human must decide (hold, failover). */
  | { readonly kind: 'pause'; readonly digest: string; readonly reasons: readonly string[] };

const short = (sha: string) => sha.slice(0, 12);

/**
 * The one success that is a verdict. The github notifier maps EVERY info event to `success` and
 * uses the Ready reason as description; kustomize-controller also emits info events that are no
 * verdict, e.g. reason DependencyNotReady while `apps` waits for `flux-system`
 * (internal/controller/kustomization_controller.go: the event reason is the Ready condition's).
 * Only ReconciliationSucceeded — applied and healthy — counts.
 */
export const SUCCESS_DESCRIPTION = 'reconciliation succeeded';

/** Does the signal belong to the digest pinned in the standby now? Reasons when not. */
function verifySignal(input: PromotionInput, signal: StatusSignal): string[] | undefined {
  if (signal.creator !== input.expectedCreator) {
    return [
      `status ${signal.context} on ${short(input.sha)} was created by "${signal.creator}", not by the standby's Flux identity "${input.expectedCreator}"`,
    ];
  }
  const history = input.history;
  const atSignal = history?.[history.length - 1];
  if (history === undefined || atSignal === undefined || atSignal.sha !== input.sha) {
    return [`commit ${short(input.sha)} is not in main's first-parent history searched`];
  }
  const current = input.standby.digest;
  if (atSignal.standbyDigest !== current) {
    return [
      `the status is for commit ${short(input.sha)}, where ${input.standbyRegion} was pinned to ${atSignal.standbyDigest ?? 'nothing'}; it is pinned to ${current} now`,
    ];
  }
  const moved = history.find((c) => c.standbyDigest !== current);
  if (moved !== undefined) {
    return [
      `stale: ${input.standbyRegion} was pinned to ${moved.standbyDigest ?? 'nothing'} at ${short(moved.sha)}, after ${short(input.sha)}; the status predates the current rollout of ${current}`,
    ];
  }
  return undefined;
}

/**
 * The promotion decision of the release train. Pure: every input is plain data read by the
 * adapters, every outcome carries the reasons it was taken.
 */
export function decidePromotion(input: PromotionInput): Decision {
  const { signal, standby, primary } = input;
  if (signal === undefined) {
    return {
      kind: 'ignore',
      reasons: [`no status "${input.expectedContext}" on ${short(input.sha)}`],
    };
  }
  if (signal.context !== input.expectedContext) {
    return { kind: 'ignore', reasons: [`status context "${signal.context}" is not the standby's`] };
  }
  if (signal.state === 'pending') {
    return { kind: 'ignore', reasons: [`status on ${short(input.sha)} is pending`] };
  }
  if (signal.state === 'success' && signal.description !== SUCCESS_DESCRIPTION) {
    return {
      kind: 'ignore',
      reasons: [
        `status on ${short(input.sha)} is "success" with description "${signal.description}", not "${SUCCESS_DESCRIPTION}": no verdict yet`,
      ],
    };
  }
  const rejected = verifySignal(input, signal);
  if (rejected !== undefined) return { kind: 'reject', reasons: rejected };
  const digest = standby.digest;
  if (signal.state !== 'success') {
    return {
      kind: 'stop',
      digest,
      reasons: [
        `${input.standbyRegion} reported "${signal.state}" (${signal.description}) for ${digest}`,
        `${input.primaryRegion} stays at ${primary.digest}`,
      ],
    };
  }
  if (primary.digest === digest) {
    return { kind: 'ignore', reasons: [`${input.primaryRegion} already runs ${digest}`] };
  }
  if (primary.hold !== undefined) {
    return {
      kind: 'pause',
      digest,
      reasons: [`${input.primaryRegion} is held: ${primary.hold}`],
    };
  }
  if (input.failover.kind !== 'normal') {
    return {
      kind: 'pause',
      digest,
      reasons: [
        input.failover.kind === 'failed-over'
          ? `failed over: ${input.standbyRegion} serves traffic, so its canary was no low-risk first stage`
          : 'cannot tell whether the platform is failed over',
        ...input.failover.reasons,
      ],
    };
  }
  return {
    kind: 'promote',
    digest,
    reasons: [
      `${input.standbyRegion} reported success for ${digest} at ${short(input.sha)}`,
      ...input.failover.reasons,
    ],
  };
}
