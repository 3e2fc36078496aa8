import { describe, expect, it } from 'vitest';
import { decisionLevel } from '../src/decision-level.js';
import { initialState, type Result, type State } from '../src/state.js';

const failedOver: State = { ...initialState, mode: 'failed-over', stepStartedAt: 1 };
const quiet = (state: State): Result => ({ state, actions: [], reasons: ['round …'] });

describe('decisionLevel', () => {
  it('debug for a healthy round in standby, info once a failure is counted or reset', () => {
    const healthy = { ...initialState, primaryHealthySince: 5 };
    expect(decisionLevel(healthy, quiet(healthy))).toBe('debug');
    const counted = { ...initialState, failedRounds: 1, firstFailedAt: 9 };
    expect(decisionLevel(healthy, quiet(counted))).toBe('info');
    expect(decisionLevel(counted, quiet(healthy))).toBe('info');
  });

  it('info for a mixed or inconclusive round in standby (nothing counted, but not healthy)', () => {
    expect(decisionLevel(initialState, quiet(initialState))).toBe('info');
  });

  it('while failed over: debug while the primary stays down or stays up, info when that flips', () => {
    expect(decisionLevel(failedOver, quiet(failedOver))).toBe('debug');
    const up = { ...failedOver, primaryHealthySince: 7 };
    expect(decisionLevel(failedOver, quiet(up))).toBe('info');
    expect(decisionLevel(up, quiet(up))).toBe('debug');
    expect(decisionLevel(up, quiet(failedOver))).toBe('info');
  });

  it('info whenever something is performed or the step or attempts move', () => {
    const acting: Result = { ...quiet(failedOver), actions: [{ type: 'scale', minReplicas: 3 }] };
    expect(decisionLevel(failedOver, acting)).toBe('info');
    expect(decisionLevel(failedOver, quiet({ ...failedOver, attempts: 1 }))).toBe('info');
  });
});
