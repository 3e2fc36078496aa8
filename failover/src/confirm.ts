/**
 * Independent confirmation (issue #14): the standby's probes are one vantage point; traffic is
 * pinned away from the primary only when a second, independent witness agrees. Pure.
 */
import type { Result, RoundEvent, State } from './state.js';

/** What the independent witnesses say about the primary. */
export type Confirmation = 'confirmed' | 'contradicted' | 'unknown';

/** Pure: any witness seeing the primary unhealthy confirms; otherwise any healthy one contradicts. */
export function confirmation(round: RoundEvent): Confirmation {
  const witnesses = [round.gaPrimaryHealthy, round.r53PrimaryHealthy ?? null].filter(
    (w): w is boolean => w !== null,
  );
  if (witnesses.includes(false)) return 'confirmed';
  if (witnesses.includes(true)) return 'contradicted';
  return 'unknown';
}

/** The Event text when only the standby sees the primary fail (the wording). */
export const isolationMessage = 'standby isolated or primary unreachable from standby only';

/**
 * The standby's probes call for a failover but no independent witness agrees: no failover. Raised
 * once per episode as an alert; GA's own health-based failover still moves traffic if the primary
 * really is down and GA sees it.
 */
export function unconfirmed(
  state: State,
  witness: Confirmation,
  now: number,
  before: string[],
): Result {
  const why =
    witness === 'contradicted'
      ? `${isolationMessage}: Global Accelerator / Route 53 see the primary healthy; not failing over`
      : `${isolationMessage}? no independent signal available (GA and Route 53 unknown); not failing over`;
  if (state.isolatedSince !== null) return { state, actions: [], reasons: [...before, why] };
  return {
    state: { ...state, isolatedSince: now },
    actions: [
      {
        type: 'emit-event',
        reason: witness === 'contradicted' ? 'DRPartitionSuspected' : 'DRUnconfirmed',
        message: why,
        alert: true,
      },
    ],
    reasons: [...before, why],
  };
}
