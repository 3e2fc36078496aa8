import { describe, expect, it } from 'vitest';
import { requestOutcome, statusLine } from '../src/outcome.js';
import { initialState } from '../src/state.js';

describe('requestOutcome', () => {
  it('failover: accepted from standby, already when failing or failed over, refused while failing back', () => {
    expect(requestOutcome('failover', 'standby', 'failing-over')).toBe('accepted');
    expect(requestOutcome('failover', 'standby', 'failed-over')).toBe('accepted');
    expect(requestOutcome('failover', 'failed-over', 'failed-over')).toBe('already');
    expect(requestOutcome('failover', 'failing-over', 'failing-over')).toBe('already');
    expect(requestOutcome('failover', 'failing-back', 'failing-back')).toBe('refused');
  });

  it('failback: accepted only when the machine left failed-over; refused otherwise', () => {
    expect(requestOutcome('failback', 'failed-over', 'failing-back')).toBe('accepted');
    expect(requestOutcome('failback', 'failed-over', 'failed-over')).toBe('refused');
    expect(requestOutcome('failback', 'standby', 'standby')).toBe('refused');
    expect(requestOutcome('failback', 'failing-back', 'failing-back')).toBe('refused');
  });
});

describe('statusLine', () => {
  it('says the mode, the primary as last seen and the last request in one line', () => {
    const state = { ...initialState, mode: 'failed-over' as const, primaryHealthySince: 1000 };
    const last = {
      outcome: 'refused' as const,
      reasons: ['failback refused: primary capacity not ready'],
    };
    expect(statusLine(state, last, 13_400)).toBe(
      'failed-over; primary healthy for 12 s; last request: refused (failback refused: primary capacity not ready)',
    );
    const moving = {
      ...initialState,
      mode: 'failing-over' as const,
      step: 'wait-ready' as const,
      stepStartedAt: 1,
    };
    expect(statusLine(moving, null, 0)).toBe(
      'failing-over at step wait-ready; primary not healthy in the last round',
    );
  });
});
