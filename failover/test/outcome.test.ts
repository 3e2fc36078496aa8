import { describe, expect, it } from 'vitest';
import { requestOutcome } from '../src/outcome.js';

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
