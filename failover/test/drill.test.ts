import { describe, expect, it } from 'vitest';
import { drillSummary, renderReportHtml } from '../local/report/html.js';
import {
  formatDrill,
  type Observed,
  runDrill,
  settledAfter,
  summarize,
} from '../local/run-drill.js';
import { defaultPolicy, type Policy } from '../src/policy.js';
import { at, markerKinds, observed } from './drill-fixture.js';

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
    const progress: { line: string; at: number }[] = [];
    const r = await runDrill({
      progress: (line) => progress.push({ line, at: Date.now() }),
      policy,
      baselineMs: 1000,
      flappingMs: 5000, // 10 rounds: twice the failed rounds needed, longer than the window
      partitionMs: 4000, // 8 rounds of a one-sided partition: a failover's worth, and more
      hangMs: 4000, // 8 rounds: past FAILED_ROUNDS, so the missing witness is what holds the failover
      lease: { durationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 },
      clients: 2,
      timeoutMs: 100_000,
    });
    expect(r.problems).toEqual([]);
    // flapping really failed 1 probe in 3 and caused no failover
    expect(r.flapping.probes).toBeGreaterThanOrEqual(3 * policy.failedRounds);
    expect(r.flapping.failed).toBe(Math.floor(r.flapping.probes / 3));
    expect(r.figures.falseFailovers).toBe(0);
    // near misses: whole rounds failed, one short of a failover each time, and none happened
    expect(r.nearMiss.failed).toBeGreaterThanOrEqual(3 * (policy.failedRounds - 1));
    expect(r.nearMiss.falseFailovers).toBe(0);
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
    // issue #14: partition, hung GA describe, corrupt state, leader killed mid-failover
    expect(r.figures.partitionFailovers).toBe(0);
    expect(r.figures.splitBrainWrites).toBe(0);
    expect(formatDrill(r.figures)).toMatch(
      /^drill: detect=\d+\.\ds traffic=\d+\.\ds scaled=\d+\.\ds failed_requests=\d+ total_requests=\d+ false_failovers=0 split_brain_writes=0 partition_failovers=0$/,
    );
    // issue #19: one progress line per phase, printed as the drill entered it
    const entered = progress.map((p) => /^drill> \+\s*[\d.]+s (\S+)\s/.exec(p.line)?.[1]);
    expect(entered).toEqual([...r.timeline.phases.map((p) => p.name), 'done']);
    expect(entered).toEqual([
      'baseline',
      'flapping',
      'near-misses',
      'settle',
      'partition',
      'ga-hang',
      'corrupt-state',
      'kill',
      'takeover',
      'failback-early',
      'restore',
      'failback',
      'scale-down',
      'done',
    ]);
    for (const [i, p] of r.timeline.phases.entries()) {
      const printed = progress[i]?.at ?? 0;
      expect(Math.abs(printed - r.timeline.startedAt - p.from * 1000)).toBeLessThan(50);
    }
    const requests = progress.map((p) => Number(/requests=(\d+)/.exec(p.line)?.[1]));
    expect(requests).toEqual([...requests].sort((a, b) => a - b));
    expect(progress.find((p) => p.line.includes(' takeover '))?.line).toMatch(/mode=failing-over/);
    // the report's timeline holds every request, the markers in order and the goal deadlines
    const { series, markers, goals } = r.timeline;
    const binned = series.bins.reduce(
      (n, b) => n + b.failed + Object.values(b.ok).reduce((a, c) => a + c, 0),
      0,
    );
    expect(series.outside).toBe(0);
    expect(binned).toBe(r.figures.totalRequests);
    expect(series.bins.reduce((n, b) => n + b.failed, 0)).toBe(r.figures.failedRequests);
    expect(series.regions).toEqual(['eu-central-1', 'eu-west-2']);
    expect(markers.map((m) => m.kind)).toEqual(markerKinds);
    const kill = markers[0]?.t ?? 0;
    expect(markers[1]?.t).toBeCloseTo(kill + (r.figures.detectS ?? 0), 2);
    expect(goals.map((g) => g.t)).toEqual([kill + 15, kill + 20]);
    // the report of this run: both views, every marker in each, verdict from the goals
    const html = renderReportHtml(drillSummary(r, r.timeline, formatDrill(r.figures)));
    expect(html).toContain('all goals met');
    const svgs = html.split('<svg').slice(1);
    expect(svgs.map((svg) => /^[^>]*id="([^"]+)"/.exec(svg)?.[1])).toEqual([
      'timeline',
      'failover',
    ]);
    for (const svg of svgs) expect(svg.match(/<g class="marker"/g)).toHaveLength(7);
  }, 130_000);
});

/** A request of 100 ms at `t` s on the fixture's clock, answered by `region` ('' = none). */
const sample = (t: number, ok: boolean, region = '') => ({
  at: at(t),
  done: at(t + 0.1),
  ok,
  region,
});

/** The report tests' run with fewer requests: one before the kill, one failed, four after. */
const clean: Observed = {
  ...observed,
  samples: [
    sample(1, true, 'eu-central-1'),
    sample(10.5, false),
    sample(12, true, 'eu-west-2'),
    sample(25, true, 'eu-west-2'),
    sample(30.2, true, 'eu-west-2'),
    sample(31, true, 'eu-central-1'),
  ],
};

describe('summarize (pure)', () => {
  it('computes the figures of a clean run, with no goal missed', () => {
    const r = summarize(clean);
    expect(r.problems).toEqual([]);
    expect(r.figures).toEqual({
      detectS: 4,
      trafficS: 0.5,
      scaledS: 5,
      failedRequests: 1,
      totalRequests: 6,
      falseFailovers: 0,
      splitBrainWrites: 0,
      partitionFailovers: 0,
    });
    expect(r.failback).toEqual({
      refusedWhileDown: true,
      accepted: true,
      trafficS: 0.2,
      scaledDownS: 5,
      failedRequests: 0,
    });
    expect(r.flapping).toEqual({ seconds: 5, probes: 15, failed: 5, falseFailovers: 0 });
    expect(r.nearMiss).toEqual({ seconds: 2, probes: 6, failed: 3, falseFailovers: 0 });
  });

  it('counts a failover during flapping as false, and flags it', () => {
    const r = summarize({
      ...clean,
      transitions: [{ at: at(5), from: 'standby', to: 'failing-over' }, ...clean.transitions],
    });
    expect(r.figures.falseFailovers).toBe(1);
    expect(r.flapping.falseFailovers).toBe(1);
    expect(r.problems).toContain('1 false failover(s) before the kill');
  });

  it('flags failed requests after detection, flap-back to the primary, and an early scale-down', () => {
    const r = summarize({
      ...clean,
      samples: [
        ...clean.samples.slice(0, 3),
        sample(24, true, 'eu-central-1'),
        sample(26, true, 'eu-west-2'),
        sample(31.5, false),
        sample(32, true, 'eu-central-1'),
      ],
      capacity: [...clean.capacity.slice(0, 3), { at: at(31), floor: 1, ready: 2 }],
    });
    expect(r.failedOutsideDetection).toBe(1);
    expect(r.figures.trafficS).toBe(14);
    expect(r.problems).toEqual([
      '1 failed request(s) outside the detection window',
      'standby not scaled down, or scaled down before the cool-down elapsed',
    ]);
  });

  it('reports a drill that never failed over without inventing figures', () => {
    const r = summarize({
      ...clean,
      transitions: [],
      capacity: [clean.capacity[0] as Observed['capacity'][number]],
      refusedWhileDown: null,
      failback: null,
      marks: { ...clean.marks, restored: null, failbackCommand: null },
      dials: { primary: 100, standby: 0 },
    });
    expect(formatDrill(r.figures)).toBe(
      'drill: detect=NaNs traffic=NaNs scaled=NaNs failed_requests=1 total_requests=6 false_failovers=0 split_brain_writes=0 partition_failovers=0',
    );
    expect(r.problems).toContain('the controller did not reach failed-over after the kill');
  });
});

describe('summarize: issue #14 goals', () => {
  it('flags a failover during the partition, a split-brain write and a double failover', () => {
    const r = summarize({
      ...clean,
      transitions: [
        { at: at(9.3), from: 'standby', to: 'failing-over' },
        { at: at(9.4), from: 'failing-over', to: 'standby' },
        ...clean.transitions,
        { at: at(20), from: 'failed-over', to: 'failing-over' },
        { at: at(21), from: 'failing-over', to: 'failed-over' },
      ],
      splitBrainWrites: 2,
    });
    expect(r.figures.partitionFailovers).toBe(1);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        '1 failover(s) during the one-sided partition',
        'failover after the kill: 2 started, 2 completed, expected exactly 1',
        '2 split-brain write(s)',
      ]),
    );
  });
});

describe('settledAfter', () => {
  const s = sample;
  const good = (x: { ok: boolean }) => x.ok;
  it('is null without evidence: no samples, or no good sample after the last bad one', () => {
    expect(settledAfter([], at(0), good)).toBeNull();
    expect(settledAfter([s(1, true), s(2, false)], at(0), good)).toBeNull();
  });
  it('measures to the latest-starting bad sample, whatever order the samples completed in', () => {
    expect(settledAfter([s(3, false), s(1, false), s(2, true), s(4, true)], at(0), good)).toBe(3);
    expect(settledAfter([s(1, true), s(2, true)], at(0), good)).toBe(0);
  });
});
