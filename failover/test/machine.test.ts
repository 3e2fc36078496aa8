import { describe, expect, it } from 'vitest';
import { confirmation, resume, step } from '../src/machine.js';
import { defaultPolicy, type Policy } from '../src/policy.js';
import { type Action, type Event, initialState, type State, type Step } from '../src/state.js';

const policy: Policy = defaultPolicy;

/** Simulated world: probes per round from `primaryUp(t, i)`, step outcomes from `outcome`. */
interface Sim {
  state: State;
  now: number;
  actions: Action[];
  reasons: string[];
}

function apply(sim: Sim, event: Event): Sim {
  const r = step(sim.state, event, sim.now, policy);
  return {
    ...sim,
    state: r.state,
    actions: [...sim.actions, ...r.actions],
    reasons: [...sim.reasons, ...r.reasons],
  };
}

function completeSteps(sim: Sim, fail: (s: Step, attempt: number) => string | null): Sim {
  let current = sim;
  for (let guard = 0; guard < 10; guard += 1) {
    const s = current.state.step;
    if (s === null || s === 'cool-down' || current.state.retryAt !== null) break;
    const error = fail(s, current.state.attempts);
    current = apply(
      current,
      error ? { type: 'step-failed', step: s, error } : { type: 'step-done', step: s },
    );
  }
  return current;
}

function run(opts: {
  seconds: number;
  probe: (t: number, i: number) => boolean;
  reference?: (t: number) => boolean;
  fail?: (s: Step, attempt: number) => string | null;
  from?: State;
  /** GA's view of the primary; by default the truth the probes see (no partition). */
  ga?: (t: number, probes: readonly boolean[]) => boolean | null;
  r53?: (t: number) => boolean | null;
}): Sim {
  let sim: Sim = { state: opts.from ?? initialState, now: 0, actions: [], reasons: [] };
  for (let t = 0; t <= opts.seconds * 1000; t += policy.intervalMs) {
    sim = { ...sim, now: t };
    const probes = [0, 1, 2].map((i) => opts.probe(t, i));
    sim = apply(sim, {
      type: 'round',
      probes,
      reference: opts.reference?.(t) ?? true,
      gaPrimaryHealthy: opts.ga ? opts.ga(t, probes) : probes.some(Boolean),
      r53PrimaryHealthy: opts.r53?.(t) ?? null,
    });
    sim = completeSteps(sim, opts.fail ?? (() => null));
  }
  return sim;
}

const dialCalls = (sim: Sim) => sim.actions.filter((a) => a.type === 'set-dials');

describe('state machine scenarios', () => {
  it('ignores one blip (two failed rounds)', () => {
    const sim = run({ seconds: 60, probe: (t) => !(t >= 10_000 && t < 14_000) });
    expect(sim.state.mode).toBe('standby');
    expect(dialCalls(sim)).toEqual([]);
  });

  it('fails over on a sustained outage within 15 s and runs every step in order', () => {
    const outage = 20_000;
    const sim = run({ seconds: 60, probe: (t) => t < outage });
    expect(sim.state.mode).toBe('failed-over');
    const transition = sim.reasons.findIndex((r) => r.startsWith('primary unreachable'));
    expect(transition).toBeGreaterThan(-1);
    expect(sim.actions.map((a) => a.type)).toEqual([
      'emit-event',
      'record-mode',
      'scale',
      'wait-ready',
      'set-dials',
      'emit-event',
    ]);
    expect(dialCalls(sim)[0]).toEqual({
      type: 'set-dials',
      dials: [
        { group: 'standby', percent: 100 },
        { group: 'primary', percent: 0 },
      ],
    });
    // detected at the fifth failed round: 20, 22, 24, 26, 28 s
    const detect = run({ seconds: 28, probe: (t) => t < outage });
    expect(detect.state.mode).toBe('failed-over');
    expect(run({ seconds: 26, probe: (t) => t < outage }).state.mode).toBe('standby');
  });

  it('never fails over when the primary fails 1 probe in 3 for ten minutes', () => {
    const sim = run({ seconds: 600, probe: (t, i) => i !== (t / 2000) % 3 });
    expect(sim.state.mode).toBe('standby');
    expect(sim.actions).toEqual([]);
  });

  it('never fails over while the reference check fails (prober isolated)', () => {
    const sim = run({ seconds: 120, probe: () => false, reference: () => false });
    expect(sim.state.mode).toBe('standby');
    expect(sim.reasons).toContain(
      'reference check failed: the prober may be isolated, not failing over',
    );
  });

  it('retries the GA dial change with backoff while the API is throttled, then pins', () => {
    const sim = run({
      seconds: 60,
      probe: (t) => t < 10_000,
      fail: (s, attempt) => (s === 'pin-traffic' && attempt < 3 ? 'ThrottlingException' : null),
    });
    expect(sim.state.mode).toBe('failed-over');
    expect(dialCalls(sim)).toHaveLength(4);
    expect(sim.reasons.filter((r) => r.includes('ThrottlingException'))).toHaveLength(3);
  });

  it('resumes a half-done failover after a restart from persisted state', () => {
    const half = run({
      seconds: 30,
      probe: (t) => t < 10_000,
      fail: (s) => (s === 'wait-ready' ? 'not ready' : null),
    });
    expect(half.state).toMatchObject({ mode: 'failing-over', step: 'wait-ready' });
    const restored = JSON.parse(JSON.stringify(half.state)) as State;
    const resumed = resume(restored, policy);
    expect(resumed.actions).toEqual([
      {
        type: 'wait-ready',
        minReplicas: 3,
        deadline: (restored.stepStartedAt ?? Number.NaN) + 300_000,
      },
    ]);
    const done = step(resumed.state, { type: 'step-done', step: 'wait-ready' }, 31_000, policy);
    expect(done.state.step).toBe('pin-traffic');
    expect(done.actions[0]?.type).toBe('set-dials');
  });

  it('pins traffic anyway when the standby is not ready by the deadline', () => {
    const s0: State = {
      ...initialState,
      mode: 'failing-over',
      step: 'wait-ready',
      stepStartedAt: 0,
    };
    const r = step(
      s0,
      { type: 'step-failed', step: 'wait-ready', error: 'timeout' },
      300_000,
      policy,
    );
    expect(r.state.step).toBe('pin-traffic');
  });

  it('refuses failback while the primary is unhealthy or its capacity is not ready', () => {
    const failedOver: State = { ...initialState, mode: 'failed-over', primaryHealthySince: null };
    const r = step(
      failedOver,
      { type: 'manual-failback', primaryCapacityReady: true },
      1000,
      policy,
    );
    expect(r.state).toEqual(failedOver);
    expect(r.actions).toEqual([]);
    expect(r.reasons[0]).toMatch(/primary healthy for 0 ms, need 600000 ms/);
    const healthy = { ...failedOver, primaryHealthySince: 0 };
    const r2 = step(
      healthy,
      { type: 'manual-failback', primaryCapacityReady: false },
      700_000,
      policy,
    );
    expect(r2.reasons).toEqual(['failback refused: primary capacity not ready']);
  });

  it('fails back in reverse order: pin primary, cool down, scale down, record standby', () => {
    let sim = run({ seconds: 30, probe: (t) => t < 4_000 });
    expect(sim.state.mode).toBe('failed-over');
    sim = run({ seconds: 700, probe: () => true, from: sim.state });
    sim = apply({ ...sim, actions: [] }, { type: 'manual-failback', primaryCapacityReady: true });
    sim = completeSteps(sim, () => null);
    expect(sim.state.step).toBe('cool-down');
    sim = apply({ ...sim, now: sim.now + 299_000 }, { type: 'tick' });
    expect(sim.state.step).toBe('cool-down');
    sim = apply({ ...sim, now: sim.now + 1_000 }, { type: 'tick' });
    sim = completeSteps(sim, () => null);
    expect(sim.state.mode).toBe('standby');
    expect(sim.actions.filter((a) => a.type !== 'emit-event')).toEqual([
      {
        type: 'set-dials',
        dials: [
          { group: 'primary', percent: 100 },
          { group: 'standby', percent: 0 },
        ],
      },
      { type: 'scale', minReplicas: 1 },
      { type: 'record-mode', mode: 'standby', minReplicas: 1 },
    ]);
  });

  it('manual failover skips detection and records the operator reason', () => {
    const r = step(initialState, { type: 'manual-failover', reason: 'drill' }, 0, policy);
    expect(r.state).toMatchObject({ mode: 'failing-over', step: 'record-mode' });
    expect(r.reasons[0]).toBe('manual failover: drill');
  });
});

describe('independent confirmation (issue #14)', () => {
  const events = (sim: Sim) =>
    sim.actions
      .filter((a) => a.type === 'emit-event')
      .map((a) => (a.type === 'emit-event' ? a.reason : ''));

  it('a one-sided partition (standby cannot reach the primary, GA sees it healthy) never fails over', () => {
    const sim = run({ seconds: 120, probe: () => false, ga: () => true });
    expect(sim.state.mode).toBe('standby');
    expect(dialCalls(sim)).toEqual([]);
    // one alert per episode, with the text
    expect(events(sim)).toEqual(['DRPartitionSuspected']);
    expect(sim.reasons.join('\n')).toContain(
      'standby isolated or primary unreachable from standby only',
    );
  });

  it('no failover without any witness (GA and Route 53 unknown); Route 53 alone can confirm', () => {
    const blind = run({ seconds: 60, probe: () => false, ga: () => null });
    expect(blind.state.mode).toBe('standby');
    expect(events(blind)).toEqual(['DRUnconfirmed']);
    const r53 = run({ seconds: 60, probe: () => false, ga: () => null, r53: () => false });
    expect(r53.state.mode).toBe('failed-over');
  });

  it('fails over as soon as a witness agrees after a suspected partition', () => {
    // partition for 60 s, then the primary really dies and GA sees it at t=70 s
    const sim = run({ seconds: 90, probe: () => false, ga: (t) => t < 70_000 });
    expect(sim.state.mode).toBe('failed-over');
    const reasons = sim.reasons.join('\n');
    expect(reasons).toContain('confirmed by Global Accelerator');
  });

  it('classifies the witnesses: any unhealthy confirms, otherwise any healthy contradicts', () => {
    const r = (ga: boolean | null, r53: boolean | null) =>
      confirmation({
        type: 'round',
        probes: [],
        reference: true,
        gaPrimaryHealthy: ga,
        r53PrimaryHealthy: r53,
      });
    expect(r(false, true)).toBe('confirmed');
    expect(r(null, false)).toBe('confirmed');
    expect(r(true, null)).toBe('contradicted');
    expect(r(null, null)).toBe('unknown');
  });
});
