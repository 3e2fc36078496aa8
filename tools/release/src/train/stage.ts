import type { FailoverState } from './failover.js';
import type { RegionPin } from './pin-file.js';

export type StageDecision =
  | { readonly kind: 'pin'; readonly reasons: readonly string[] }
  | { readonly kind: 'ignore'; readonly reasons: readonly string[] }
  | { readonly kind: 'pause'; readonly reasons: readonly string[] };

/**
 * The train's first stage (app-merge): pin a freshly pushed digest in the standby, unless the
 * standby is held, or the platform is failed over — then the standby serves all traffic and is no
 * low-risk first stage, so a human decides (release promote --region eu-west-2 …). Pure.
 */
export function decideStage(input: {
  readonly standbyRegion: string;
  readonly digest: string;
  readonly standby: RegionPin;
  readonly failover: FailoverState;
}): StageDecision {
  const { standby, digest } = input;
  if (standby.digest === digest) {
    return { kind: 'ignore', reasons: [`${input.standbyRegion} already pinned to ${digest}`] };
  }
  if (standby.hold !== undefined) {
    return { kind: 'pause', reasons: [`${input.standbyRegion} is held: ${standby.hold}`] };
  }
  if (input.failover.kind !== 'normal') {
    return {
      kind: 'pause',
      reasons: [
        input.failover.kind === 'failed-over'
          ? `failed over: ${input.standbyRegion} serves all traffic, a new release there is no canary`
          : 'cannot tell whether the platform is failed over',
        ...input.failover.reasons,
      ],
    };
  }
  return { kind: 'pin', reasons: [`${input.standbyRegion}: ${standby.digest} -> ${digest}`] };
}
