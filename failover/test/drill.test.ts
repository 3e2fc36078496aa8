import { describe, expect, it } from 'vitest';
import { formatDrill, runDrill } from '../local/run-drill.js';
import { defaultPolicy } from '../src/policy.js';

describe('shortened drill (500 ms rounds)', () => {
  it('fails over after the primary is killed, with no false failover before', async () => {
    const f = await runDrill({
      baselineMs: 2000,
      policy: { ...defaultPolicy, intervalMs: 500, windowMs: 4000 },
    });
    expect(f.failedOver).toBe(true);
    expect(f.falseFailovers).toBe(0);
    expect(f.failedRequests).toBeLessThan(f.totalRequests);
    expect(formatDrill(f)).toMatch(
      /^drill: detect=\d+\.\ds traffic=\d+\.\ds scaled=\d+\.\ds failed_requests=\d+ total_requests=\d+ false_failovers=0$/,
    );
  });
});
