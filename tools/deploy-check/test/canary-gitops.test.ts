import { describe, expect, it } from 'vitest';
import { analysisSeconds, durationSeconds } from '../src/checks/canary-gitops.js';

describe('canary-gitops arithmetic', () => {
  it('reads Go durations', () => {
    expect(durationSeconds('15m')).toBe(900);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('')).toBeUndefined();
    expect(durationSeconds('5 minutes')).toBeUndefined();
  });

  it('estimates one analysis: pre-rollout tick, one per step, promoting and finalising', () => {
    const canary = (analysis: Record<string, unknown>) => ({ spec: { analysis } });
    expect(
      analysisSeconds(canary({ interval: '1m', maxWeight: 50, stepWeight: 10, threshold: 5 })),
    ).toBe(8 * 60);
    expect(
      analysisSeconds(canary({ interval: '30s', stepWeights: [1, 5, 25], threshold: 2 })),
    ).toBe(3 * 60);
    // a long failure threshold dominates
    expect(analysisSeconds(canary({ interval: '1m', iterations: 2, threshold: 10 }))).toBe(11 * 60);
    expect(analysisSeconds(canary({}))).toBeUndefined();
  });
});
