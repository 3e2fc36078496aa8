import { describe, expect, it } from 'vitest';
import { formatDrill, runDrill } from '../local/run-drill.js';
import { defaultPolicy, type Policy } from '../src/policy.js';

/** Default quorum and round count, 500 ms rounds, short failback waits. */
const policy: Policy = {
  ...defaultPolicy,
  intervalMs: 500,
  windowMs: 4000,
  failbackHealthyMs: 2000,
  failbackCooldownMs: 1000,
  retryBaseMs: 250,
  retryMaxMs: 2000,
};

describe('shortened drill (500 ms rounds): flapping, kill → failover, restore → failback', () => {
  it('rides out 1-in-3 probe failures, fails over on the kill and fails back on command', async () => {
    const r = await runDrill({
      policy,
      baselineMs: 1000,
      flappingMs: 5000, // 10 rounds: twice the failed rounds needed, longer than the window
      clients: 2,
      timeoutMs: 45_000,
    });
    expect(r.problems).toEqual([]);
    // flapping really failed 1 probe in 3 and caused no failover
    expect(r.flapping.probes).toBeGreaterThanOrEqual(3 * policy.failedRounds);
    expect(r.flapping.failed).toBe(Math.floor(r.flapping.probes / 3));
    expect(r.figures.falseFailovers).toBe(0);
    // failover: not before the required consecutive failed rounds; requests failed only meanwhile
    expect(r.figures.detectS).not.toBeNull();
    expect((r.figures.detectS ?? 0) * 1000).toBeGreaterThanOrEqual(
      (policy.failedRounds - 1) * policy.intervalMs - 100,
    );
    expect(r.figures.trafficS).not.toBeNull();
    expect(r.figures.scaledS).not.toBeNull();
    expect(r.failedOutsideDetection).toBe(0);
    // failback: refused while the primary was down, then back on eu-central-1 with no failure
    expect(r.failback).toMatchObject({ refusedWhileDown: true, accepted: true, failedRequests: 0 });
    expect(r.failback.trafficS).not.toBeNull();
    expect((r.failback.scaledDownS ?? 0) * 1000).toBeGreaterThanOrEqual(policy.failbackCooldownMs);
    expect(formatDrill(r.figures)).toMatch(
      /^drill: detect=\d+\.\ds traffic=\d+\.\ds scaled=\d+\.\ds failed_requests=\d+ total_requests=\d+ false_failovers=0$/,
    );
  }, 60_000);
});
