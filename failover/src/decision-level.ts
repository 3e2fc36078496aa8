import type { Result, State } from './state.js';

/**
 * Pure: the level of a decision's log line. Debug for a routine round: nothing performed, no mode,
 * step or attempt change, and either a healthy round in standby with nothing counted, or (while
 * failing or failed over) a round whose view of the primary did not flip. Info for the rest: a
 * failed, mixed or inconclusive round in standby, a step, a retry, a transition.
 */
export function decisionLevel(before: State, result: Result): 'debug' | 'info' {
  const s = result.state;
  const still =
    result.actions.length === 0 &&
    s.mode === before.mode &&
    s.step === before.step &&
    s.attempts === before.attempts &&
    s.isolatedSince === before.isolatedSince;
  if (!still) return 'info';
  const healthy = s.primaryHealthySince !== null;
  const routine =
    s.mode === 'standby'
      ? healthy && s.failedRounds === 0 && before.failedRounds === 0
      : healthy === (before.primaryHealthySince !== null);
  return routine ? 'debug' : 'info';
}
