import { describe, expect, it } from 'vitest';
import { Controller, type ControllerDeps } from '../src/controller.js';
import { noMetrics } from '../src/controller-deps.js';
import { FailoverError } from '../src/errors.js';
import type { LoadedState, PendingRequest } from '../src/kube.js';
import { defaultPolicy } from '../src/policy.js';
import type { ControlResult } from '../src/schema.js';
import { initialState, type State } from '../src/state.js';

interface Opts {
  primaryUp: () => boolean;
  saved?: State;
  savedRaw?: LoadedState;
  dryRun?: boolean;
  leader?: () => boolean;
  log?: Partial<ControllerDeps['log']>;
  gaHealthy?: () => Promise<boolean>;
  r53Healthy?: () => Promise<boolean | null>;
  scale?: () => Promise<void>;
  /** Ready replicas after a scale (default: the floor asked for, at once). */
  readyAfterScale?: (min: number) => number;
  /** DR_MODE in the overrides ConfigMap. */
  recorded?: 'failed-over' | 'standby' | null;
}

function world(opts: Opts) {
  const calls: string[] = [];
  const alerts: string[] = [];
  let probesSeen = 0;
  let saved: State | null = opts.saved ?? null;
  let version = 1;
  let control: { request: PendingRequest | null; result: ControlResult | null } = {
    request: null,
    result: null,
  };
  let t = 0;
  let ready = 1;
  let epoch = 1;
  const leading = opts.leader ?? (() => true);
  const deps: ControllerDeps = {
    kube: {
      recordMode: async (mode, min) => void calls.push(`record ${mode} ${min}`),
      scale: async (min) => {
        await opts.scale?.();
        calls.push(`scale ${min}`);
        ready = opts.readyAfterScale ? opts.readyAfterScale(min) : min;
      },
      readyReplicas: async () => ready,
      recordedMode: async () => opts.recorded ?? 'standby',
      loadState: async () =>
        opts.savedRaw && saved === null
          ? opts.savedRaw
          : { state: saved, invalid: null, version: String(version) },
      saveState: async (s, v) => {
        if (v !== null && v !== String(version)) {
          throw new FailoverError('CONFLICT', `version ${v} is stale`);
        }
        saved = s;
        version += 1;
        return String(version);
      },
      emitEvent: async (reason, _m, type) =>
        void calls.push(`event ${reason}${type === 'Warning' ? ' (warning)' : ''}`),
      readControl: async () => control,
      completeRequest: async (result, v) => {
        if (v !== null && v !== String(version)) {
          throw new FailoverError('CONFLICT', `version ${v} is stale`);
        }
        control = { request: null, result };
        version += 1;
        return String(version);
      },
    },
    ga: {
      setDials: async (dials) =>
        void calls.push(`dials ${dials.map((d) => `${d.group}=${d.percent}`).join(',')}`),
      primaryHealthy: opts.gaHealthy ?? (async () => opts.primaryUp()),
    },
    route53: opts.r53Healthy ? { primaryHealthy: opts.r53Healthy } : null,
    leadership: {
      leading,
      guard: () => {
        if (!leading()) throw new FailoverError('FENCED', 'not leading');
        return new AbortController().signal;
      },
      get epoch() {
        return epoch;
      },
    },
    probeRound: async () => {
      probesSeen += 1;
      return { probes: [1, 2, 3].map(() => opts.primaryUp()), reference: true };
    },
    primaryCapacityReady: async () => true,
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, ...opts.log },
    metrics: { ...noMetrics, alert: (r) => void alerts.push(r) },
    now: () => t,
    policy: defaultPolicy,
    roundTimeoutMs: 2000,
    advisoryTimeoutMs: 100,
    dryRun: opts.dryRun ?? false,
  };
  const controller = new Controller(deps);
  return {
    calls,
    alerts,
    controller,
    probes: () => probesSeen,
    saved: () => saved,
    /** Someone else (a new leader) wrote the state. */
    writeBehind: (s: State) => {
      saved = s;
      version += 1;
    },
    newEpoch: () => {
      epoch += 1;
    },
    /** The CLI writes a request: the ConfigMap's version moves, as on a real API server. */
    request: (r: PendingRequest) => {
      control = { ...control, request: r };
      version += 1;
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
    };
    const w = world({ primaryUp: () => true, dryRun: true, log });
    w.request({ ok: true, request: { id: 'r1', type: 'failover', reason: 'drill', at: '' } });
    await w.cycles(4);
    expect(w.result()).toBeNull();
    expect(w.calls).toEqual([]);
    expect(decisions.filter((d) => JSON.stringify(d).includes('manual failover'))).toHaveLength(1);
  });

  it('does nothing while another replica holds the Lease', async () => {
    const w = world({ primaryUp: () => false, leader: () => false });
    await w.cycles(10);
    expect(w.calls).toEqual([]);
  });

  it('resumes a persisted half-done failover at its current step', async () => {
    const saved: State = {
      ...initialState,
      mode: 'failing-over',
      step: 'scale-up',
      stepStartedAt: 0,
      reason: 'primary unreachable',
    };
    const w = world({ primaryUp: () => false, saved });
    await w.cycles(1);
    expect(w.calls).toEqual(['scale 3', 'dials standby=100,primary=0', 'event DRFailedOver']);
  });

  it('performs a manual failover requested through the state ConfigMap', async () => {
    const w = world({ primaryUp: () => true });
    w.request({ ok: true, request: { id: 'r1', type: 'failover', reason: 'drill', at: '' } });
    await w.cycles(1);
    expect(w.result()).toMatchObject({ id: 'r1', mode: 'failed-over' });
    expect(w.result()?.reasons[0]).toBe('manual failover: drill');
    expect(w.calls).toContain('dials standby=100,primary=0');
  });
});

describe('Controller faults (issue #14)', () => {
  it('does not fail over when only the standby sees the primary fail: alert, metric, Warning Event', async () => {
    const errors: string[] = [];
    const w = world({
      primaryUp: () => false,
      gaHealthy: async () => true, // the edge still serves: GA sees the primary healthy
      log: { error: (_o, msg) => void errors.push(msg) },
    });
    await w.cycles(40); // 80 s of a one-sided partition
    expect(w.saved()?.mode).toBe('standby');
    expect(w.calls).toEqual(['event DRPartitionSuspected (warning)']);
    expect(w.alerts).toEqual(['DRPartitionSuspected']);
    expect(errors.join('\n')).toContain(
      'standby isolated or primary unreachable from standby only',
    );
  });

  it('asks no witness while the primary is healthy (GetHealthCheckStatus is not for high rates)', async () => {
    let asked = 0;
    const w = world({
      primaryUp: () => true,
      gaHealthy: async () => {
        asked += 1;
        return true;
      },
      r53Healthy: async () => {
        asked += 1;
        return true;
      },
    });
    await w.cycles(30);
    expect(asked).toBe(0);
  });

  it('a hanging GA describe neither stalls the loop nor blocks detection (Route 53 confirms)', async () => {
    const w = world({
      primaryUp: () => false,
      gaHealthy: () => new Promise<boolean>(() => {}), // never answers, ignores its signal
      r53Healthy: async () => false,
    });
    const started = Date.now();
    await w.cycles(5);
    expect(Date.now() - started).toBeLessThan(5 * 1000);
    expect(w.probes()).toBe(5);
    expect(w.saved()?.mode).toBe('failed-over');
  });

  it('keeps probing and acting when the persisted state is corrupt: Warning Event, then failover', async () => {
    const w = world({
      primaryUp: () => false,
      savedRaw: { state: null, invalid: 'data.state is invalid: mode: bogus', version: '1' },
    });
    await w.cycles(5);
    expect(w.probes()).toBe(5);
    expect(w.calls[0]).toBe('event DRStateInvalid (warning)');
    expect(w.alerts).toContain('DRStateInvalid');
    expect(w.saved()?.mode).toBe('failed-over');
  });

  it('recovers a corrupt state as failed-over when DR_MODE says so (no forgotten failover)', async () => {
    const w = world({
      primaryUp: () => true,
      recorded: 'failed-over',
      savedRaw: { state: null, invalid: 'data.state is not JSON', version: '1' },
    });
    await w.cycles(1);
    expect(w.controller.current?.mode).toBe('failed-over');
    expect(w.saved()?.reason).toContain('recovered as failed-over from DR_MODE');
    expect(w.calls).toEqual(['event DRStateInvalid (warning)']);
  });

  it('stops writing the moment leadership cannot be proven, even mid-failover', async () => {
    let leading = true;
    const w = world({
      primaryUp: () => false,
      leader: () => leading,
      scale: async () => {
        leading = false; // the Lease lapses while the HPA patch is in flight
      },
    });
    await w.cycles(5);
    expect(w.calls).toEqual(['event DRFailingOver', 'record failed-over 3', 'scale 3']);
    expect(w.saved()).toMatchObject({ mode: 'failing-over', step: 'scale-up' });
    await w.cycles(3);
    expect(w.calls.filter((c) => c.startsWith('dials'))).toEqual([]);
  });

  it('an old leader whose state write loses its precondition stops and re-reads', async () => {
    const w = world({ primaryUp: () => true });
    await w.cycles(1);
    const newer = {
      ...(w.saved() as State),
      mode: 'failing-back' as const,
      step: 'cool-down' as const,
      stepStartedAt: 0,
    };
    w.writeBehind(newer); // another leader moved on meanwhile
    await w.cycles(1); // our write is refused: nothing performed, state dropped
    expect(w.saved()).toEqual(newer);
    expect(w.controller.current).toBeNull();
    await w.cycles(1); // re-read: continues from the newer state, never overwrites it backwards
    expect(w.controller.current?.mode).toBe('failing-back');
  });

  it("answers a request with its own version chained: the next round's write does not conflict", async () => {
    const rejected: string[] = [];
    const note = (level: string) => (_o: object, msg: string) => {
      if (msg.startsWith('state write rejected')) rejected.push(`${level} ${msg}`);
    };
    const w = world({ primaryUp: () => true, log: { info: note('info'), warn: note('warn') } });
    await w.cycles(1);
    w.request({ ok: true, request: { id: 'r2', type: 'failover', reason: 'drill', at: '' } });
    await w.cycles(3);
    expect(w.result()).toMatchObject({ id: 'r2', mode: 'failed-over' });
    expect(w.controller.current?.mode).toBe('failed-over');
    // the CLI's own write is someone else's: one re-read (routine: info); our completion is not
    expect(rejected).toEqual(['info state write rejected: re-reading next cycle']);
  });

  it('rejects an invalid control request: removed, answered, Warning Event', async () => {
    const w = world({ primaryUp: () => true });
    w.request({ ok: false, id: 'r9', error: 'data.request is invalid: type: bad' });
    await w.cycles(1);
    expect(w.result()).toEqual({
      id: 'r9',
      mode: 'standby',
      reasons: ['request rejected: data.request is invalid: type: bad'],
      outcome: 'refused',
    });
    expect(w.calls).toEqual(['event DRRequestRejected (warning)']);
  });
});

describe('Controller logs (issue #19: readable logs)', () => {
  /** Every log line as `level msg`, with the decision's reasons. */
  function recorder() {
    const lines: string[] = [];
    const at =
      (level: string) =>
      (obj: object, msg: string): void => {
        const reasons = (obj as { reasons?: string[] }).reasons;
        lines.push(`${level} ${msg}${reasons ? `: ${reasons.join('; ')}` : ''}`);
      };
    return {
      lines,
      log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    };
  }

  it('logs healthy rounds at debug, a failed round at info', async () => {
    let up = true;
    const r = recorder();
    const w = world({ primaryUp: () => up, log: r.log });
    await w.cycles(3);
    expect(r.lines.filter((l) => !l.startsWith('debug'))).toEqual([
      'info decision: resumed in standby',
    ]);
    expect(r.lines.some((l) => l.startsWith('debug decision: round healthy'))).toBe(true);
    up = false;
    await w.cycles(1);
    expect(r.lines.at(-1)).toMatch(
      /^info decision: round failed: 3\/3 probes failed.*1\/5 consecutive/,
    );
  });

  it('logs a normal wait for replicas at info, never warn or error', async () => {
    const r = recorder();
    const w = world({
      primaryUp: () => false,
      log: r.log,
      readyAfterScale: (min) => min - 2, // the new replicas become ready later
    });
    await w.cycles(8);
    expect(r.lines.filter((l) => l.includes('ready replicas')).length).toBeGreaterThan(1);
    expect(r.lines.filter((l) => l.startsWith('warn') || l.startsWith('error'))).toEqual([]);
    expect(r.lines).toContain(
      'info decision: waiting for the standby: 1/3 ready replicas; checking again in 1000 ms',
    );
  });
});
