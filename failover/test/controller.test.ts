import { describe, expect, it } from 'vitest';
import { Controller, type ControllerDeps } from '../src/controller.js';
import type { ControlRequest, ControlResult } from '../src/kube.js';
import type { State } from '../src/machine.js';
import { defaultPolicy } from '../src/policy.js';

function world(opts: {
  primaryUp: () => boolean;
  saved?: State;
  dryRun?: boolean;
  leader?: boolean;
  log?: ControllerDeps['log'];
}) {
  const calls: string[] = [];
  let saved: State | null = opts.saved ?? null;
  let control: { request: ControlRequest | null; result: ControlResult | null } = {
    request: null,
    result: null,
  };
  let t = 0;
  let ready = 1;
  const deps: ControllerDeps = {
    kube: {
      recordMode: async (mode, min) => void calls.push(`record ${mode} ${min}`),
      scale: async (min) => {
        calls.push(`scale ${min}`);
        ready = min;
      },
      readyReplicas: async () => ready,
      loadState: async () => saved,
      saveState: async (s) => {
        saved = s;
      },
      acquireLease: async () => opts.leader ?? true,
      emitEvent: async (reason) => void calls.push(`event ${reason}`),
      readControl: async () => control,
      completeRequest: async (result) => {
        control = { request: null, result };
      },
    },
    ga: {
      setDials: async (dials) =>
        void calls.push(`dials ${dials.map((d) => `${d.group}=${d.percent}`).join(',')}`),
      primaryHealthy: async () => {
        throw new Error('GA API down');
      },
    },
    probeRound: async () => ({ probes: [1, 2, 3].map(() => opts.primaryUp()), reference: true }),
    primaryCapacityReady: async () => true,
    log: opts.log ?? { info: () => {}, warn: () => {} },
    metrics: { mode: () => {}, probes: () => {}, transition: () => {}, stepDuration: () => {} },
    now: () => t,
    policy: defaultPolicy,
    identity: 'pod-a',
    leaseSeconds: 15,
    dryRun: opts.dryRun ?? false,
  };
  const controller = new Controller(deps);
  return {
    calls,
    controller,
    saved: () => saved,
    request: (r: ControlRequest) => {
      control = { ...control, request: r };
    },
    result: () => control.result,
    async cycles(n: number) {
      for (let i = 0; i < n; i += 1) {
        await controller.cycle();
        t += defaultPolicy.intervalMs;
      }
    },
  };
}

describe('Controller', () => {
  it('fails over after five failed rounds, performing every step in order', async () => {
    const w = world({ primaryUp: () => false });
    await w.cycles(5);
    expect(w.calls).toEqual([
      'event DRFailingOver',
      'record failed-over 3',
      'scale 3',
      'dials standby=100,primary=0',
      'event DRFailedOver',
    ]);
    expect(w.saved()?.mode).toBe('failed-over');
  });

  it('performs nothing in dry-run but still decides', async () => {
    const w = world({ primaryUp: () => false, dryRun: true });
    await w.cycles(5);
    expect(w.calls).toEqual([]);
    expect(w.controller.current?.mode).toBe('failed-over');
    expect(w.saved()).toBeNull();
  });

  it('handles a control request once in dry-run, though it stays unanswered', async () => {
    const decisions: unknown[] = [];
    const log = {
      info: (obj: object, msg: string) => {
        if (msg === 'decision') decisions.push(obj);
      },
      warn: () => {},
    };
    const w = world({ primaryUp: () => true, dryRun: true, log });
    w.request({ id: 'r1', type: 'failover', reason: 'drill', at: '' });
    await w.cycles(4);
    expect(w.result()).toBeNull();
    expect(w.calls).toEqual([]);
    expect(decisions.filter((d) => JSON.stringify(d).includes('manual failover'))).toHaveLength(1);
  });

  it('does nothing while another replica holds the Lease', async () => {
    const w = world({ primaryUp: () => false, leader: false });
    await w.cycles(10);
    expect(w.calls).toEqual([]);
  });

  it('resumes a persisted half-done failover at its current step', async () => {
    const saved: State = {
      mode: 'failing-over',
      step: 'scale-up',
      stepStartedAt: 0,
      attempts: 0,
      retryAt: null,
      failedRounds: 0,
      firstFailedAt: null,
      primaryHealthySince: null,
      reason: 'primary unreachable',
    };
    const w = world({ primaryUp: () => false, saved });
    await w.cycles(1);
    expect(w.calls).toEqual(['scale 3', 'dials standby=100,primary=0', 'event DRFailedOver']);
  });

  it('performs a manual failover requested through the state ConfigMap', async () => {
    const w = world({ primaryUp: () => true });
    w.request({ id: 'r1', type: 'failover', reason: 'drill', at: '' });
    await w.cycles(1);
    expect(w.result()).toMatchObject({ id: 'r1', mode: 'failed-over' });
    expect(w.result()?.reasons[0]).toBe('manual failover: drill');
    expect(w.calls).toContain('dials standby=100,primary=0');
  });
});
