import { describe, expect, it } from 'vitest';
import type { Controller } from '../src/controller.js';
import type { LeaderElector } from '../src/elector.js';
import { healthOf } from '../src/metrics.js';
import { startReplica } from '../src/runner.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('startReplica', () => {
  it('counts failed cycles for /healthz, and on stop stops acting before releasing the Lease', async () => {
    const order: string[] = [];
    const controller = {
      cycle: async () => {
        throw new Error('state ConfigMap unreadable');
      },
    } as unknown as Controller;
    const elector = {
      tryAcquireOrRenew: async () => true,
      stop: () => void order.push('stop'),
      release: async () => void order.push('release'),
    } as unknown as LeaderElector;
    const replica = startReplica({
      controller,
      elector,
      intervalMs: 20,
      retryPeriodMs: 20,
      log: { warn: () => {}, info: () => {} },
    });
    await sleep(200);
    const h = replica.health();
    expect(h.consecutiveFailures).toBeGreaterThanOrEqual(5);
    expect(h.lastError).toContain('state ConfigMap unreadable');
    expect(healthOf(h, Date.now(), 60_000, 5).ok).toBe(false);
    await replica.stop({ release: true });
    expect(order.slice(0, 2)).toEqual(['stop', 'release']);
  });
});
