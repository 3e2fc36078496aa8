import type { Mode, State } from './state.js';

/**
 * What became of a manual request: `accepted` (the machine moved into failing-over or
 * failing-back), `already` (a failover asked for while failing or failed over: nothing to do, the
 * platform is where it was asked to be), `refused` (the machine said no; its reasons say why).
 * The CLI exits 0 for the first two and 3 for `refused` (README "Run it").
 */
export type Outcome = 'accepted' | 'already' | 'refused';

/** Pure: the outcome of a `type` request from the mode before and after the machine handled it. */
export function requestOutcome(type: 'failover' | 'failback', before: Mode, after: Mode): Outcome {
  if (type === 'failover') {
    if (before === 'standby' && after === 'failing-over') return 'accepted';
    if (before === 'standby' && after === 'failed-over') return 'accepted';
    return before === 'failing-over' || before === 'failed-over' ? 'already' : 'refused';
  }
  if (before === 'failed-over' && (after === 'failing-back' || after === 'standby')) {
    return 'accepted';
  }
  return 'refused';
}

/** Pure: `status`'s one human line, e.g. `failed-over; primary healthy for 12 s; last request: failback refused`. */
export function statusLine(
  state: State,
  last: { outcome?: Outcome; reasons: readonly string[] } | null,
  now: number,
): string {
  const where = state.step ? `${state.mode} at step ${state.step}` : state.mode;
  const since = state.primaryHealthySince;
  const primary =
    since === null
      ? 'primary not healthy in the last round'
      : `primary healthy for ${Math.max(0, Math.round((now - since) / 1000))} s`;
  const request = last
    ? `; last request: ${last.outcome ?? 'no outcome'} (${last.reasons[0] ?? ''})`
    : '';
  return `${where}; ${primary}${request}`;
}
