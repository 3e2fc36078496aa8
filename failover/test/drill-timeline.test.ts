import { describe, expect, it } from 'vitest';
import { formatProgress } from '../local/drill-progress.js';
import { summarize } from '../local/drill-summary.js';
import { goalChecks } from '../local/report/goals.js';
import { drillSummary, REPORT_CSP, renderReportHtml } from '../local/report/html.js';
import { failoverView, niceAxis, renderTimelineSvg } from '../local/report/svg.js';
import { packRows } from '../local/report/svg-parts.js';
import {
  binSamples,
  buildTimeline,
  goalLines,
  markersOf,
  spans,
} from '../local/report/timeline.js';
import { reportName } from '../local/report/write.js';
import { at, markerKinds, observed, phases, t0 } from './drill-fixture.js';

const timeline = buildTimeline(observed, { startedAt: t0, phases });

/** The values of attribute `attr` on every element of `tag` with class `cls`, in order. */
function attrs(svg: string, cls: string, attr: string): string[] {
  const tags = svg.match(new RegExp(`<[a-z]+ class="${cls}"[^>]*>`, 'g')) ?? [];
  return tags.map((t) => new RegExp(`${attr}="([^"]*)"`).exec(t)?.[1] ?? '');
}

describe('binSamples', () => {
  it('counts answered requests per region and failed ones per second, by start time', () => {
    const s = binSamples(observed.samples, t0, at(3));
    expect(s.regions).toEqual(['eu-central-1', 'eu-west-2']);
    expect(s.bins.slice(0, 3)).toEqual([
      { t: 0, ok: { 'eu-central-1': 2, 'eu-west-2': 0 }, failed: 0 },
      { t: 1, ok: { 'eu-central-1': 0, 'eu-west-2': 0 }, failed: 0 },
      { t: 2, ok: { 'eu-central-1': 0, 'eu-west-2': 0 }, failed: 0 },
    ]);
    expect(s.bins).toHaveLength(3);
    expect(s.outside).toBe(observed.samples.length - 2);
  });

  it('keeps every sample: the bins add up to the requests, failures in their own second', () => {
    const { bins } = timeline.series;
    expect(bins).toHaveLength(40);
    const total = bins.reduce(
      (n, b) => n + b.failed + Object.values(b.ok).reduce((a, c) => a + c, 0),
      0,
    );
    expect(total).toBe(observed.samples.length);
    expect(timeline.series.outside).toBe(0);
    expect(bins.filter((b) => b.failed > 0).map((b) => [b.t, b.failed])).toEqual([[10, 2]]);
    expect(bins[39]?.ok['eu-central-1']).toBe(1);
  });

  it('bins by the given width and refuses a width that is not positive', () => {
    expect(binSamples(observed.samples, t0, at(40), 5000).bins.map((b) => b.failed)).toEqual([
      0, 0, 2, 0, 0, 0, 0, 0,
    ]);
    expect(() => binSamples([], t0, at(1), 0)).toThrow(/binMs must be > 0/);
  });
});

describe('markers, modes, phases, goals', () => {
  it('places kill, detect, leader kill, pins and failback in seconds since the start', () => {
    expect(markersOf(observed, t0).map((m) => [m.kind, m.t])).toEqual([
      ['kill', 10],
      ['detect', 14],
      ['leader-killed', 14.2],
      ['pin', 15],
      ['restored', 22],
      ['failback', 30],
      ['pin-back', 30.5],
    ]);
  });

  it('leaves out what did not happen: no kill, no detect, no goal lines', () => {
    const noKill = { ...observed, marks: { ...observed.marks, kill: null }, transitions: [] };
    expect(markersOf(noKill, t0).map((m) => m.kind)).toEqual([
      'leader-killed',
      'restored',
      'failback',
    ]);
    expect(goalLines(noKill.marks, t0)).toEqual([]);
    expect(buildTimeline(noKill, { startedAt: t0, phases }).detectionWindow).toBeNull();
  });

  it('draws the goals as deadlines after the kill and the detection window kill → detect', () => {
    expect(timeline.goals.map((g) => [g.id, g.t, g.limitS])).toEqual([
      ['detect', 25, 15],
      ['traffic', 30, 20],
    ]);
    expect(timeline.detectionWindow).toEqual({ from: 10, to: 14 });
  });

  it('turns transitions into mode spans that start in standby and cover the drill', () => {
    expect(timeline.modes).toEqual([
      { name: 'standby', from: 0, to: 14 },
      { name: 'failing-over', from: 14, to: 15 },
      { name: 'failed-over', from: 15, to: 30.5 },
      { name: 'failing-back', from: 30.5, to: 36 },
      { name: 'standby', from: 36, to: 40 },
    ]);
    expect(timeline.phases.map((p) => p.name)).toEqual([
      'baseline',
      'flapping',
      'near-misses',
      'kill',
      'restore',
      'failback',
    ]);
    expect(
      spans(
        [
          { name: 'b', at: at(2) },
          { name: 'a', at: at(1) },
        ],
        t0,
        at(3),
      ),
    ).toEqual([
      { name: 'a', from: 1, to: 2 },
      { name: 'b', from: 2, to: 3 },
    ]);
  });
});

describe('renderTimelineSvg', () => {
  const svg = renderTimelineSvg(timeline);

  it('draws one line per region with a point per bin, and the failed bins', () => {
    expect(attrs(svg, 'series', 'data-region')).toEqual(['eu-central-1', 'eu-west-2']);
    for (const points of attrs(svg, 'series', 'points')) expect(points.split(' ')).toHaveLength(40);
    expect(attrs(svg, 'failed', 'data-t')).toEqual(['10']);
    expect(attrs(svg, 'failed', 'data-count')).toEqual(['2']);
  });

  it('draws every marker, the goal lines, the detection window and the mode lane', () => {
    expect(attrs(svg, 'marker', 'data-kind')).toEqual(timeline.markers.map((m) => m.kind));
    expect(attrs(svg, 'goal', 'data-t')).toEqual(['25', '30']);
    expect(attrs(svg, 'detection-window', 'data-to')).toEqual(['14']);
    expect(attrs(svg, 'mode', 'data-name')).toEqual(timeline.modes.map((m) => m.name));
    expect(attrs(svg, 'phase', 'data-name')).toEqual(timeline.phases.map((p) => p.name));
    expect(svg).toContain('goal: detect ≤ 15 s');
  });

  it('labels the events in the failover view only, the whole view keeps them as tooltips', () => {
    expect(svg).not.toMatch(/<text[^>]*>primary killed/);
    expect(svg).toContain('<title>primary killed 10s</title>');
    const zoom = renderTimelineSvg(timeline, failoverView(timeline) ?? undefined);
    expect(zoom).toMatch(/<text[^>]*>primary killed 10s<\/text>/);
    expect(zoom).toMatch(/<text[^>]*>goal: detect ≤ 15 s<\/text>/);
  });

  it('draws a window of the drill: only what falls inside, spans clipped to it', () => {
    const zoom = renderTimelineSvg(timeline, {
      id: 'z',
      from: 12,
      to: 40,
      legend: false,
      labels: true,
    });
    expect(attrs(zoom, 'marker', 'data-kind')).toEqual(markerKinds.slice(1)); // the kill is at 10 s
    expect(attrs(zoom, 'failed', 'data-t')).toEqual([]);
    for (const points of attrs(zoom, 'series', 'points'))
      expect(points.split(' ')).toHaveLength(28);
    expect(attrs(zoom, 'mode', 'data-from')).toEqual(['12', '14', '15', '30.5', '36']);
    expect(failoverView(timeline)).toEqual({
      id: 'failover',
      from: 0,
      to: 40,
      legend: false,
      labels: true,
    });
    const noKill = { ...timeline, markers: timeline.markers.filter((m) => m.kind !== 'kill') };
    expect(failoverView(noKill)).toBeNull();
  });

  it('packs close labels into separate rows and keeps them inside the right edge', () => {
    const placed = packRows(
      [
        { x: 100, width: 80 },
        { x: 110, width: 80 },
        { x: 300, width: 80 },
        { x: 1000, width: 100 },
      ],
      2,
      1050,
    );
    expect(placed).toEqual([
      { x: 103, row: 0 },
      { x: 113, row: 1 },
      { x: 303, row: 0 },
      { x: 950, row: 0 },
    ]);
    const full = packRows(
      [
        { x: 0, width: 50 },
        { x: 1, width: 50 },
        { x: 2, width: 50 },
      ],
      2,
      999,
    );
    expect(full.map((p) => p.row)).toEqual([0, 1, 0]);
  });

  it('scales the y axis to the busiest bin on a 1/2/5 step', () => {
    expect(niceAxis(0)).toEqual({ step: 1, top: 5 });
    expect(niceAxis(73)).toEqual({ step: 20, top: 80 });
    expect(niceAxis(101)).toEqual({ step: 50, top: 150 });
  });
});

describe('the HTML report and its JSON summary', () => {
  const report = summarize(observed);
  const summary = drillSummary(report, timeline, 'drill: detect=4.0s');

  it('summarizes the verdict, the goals and the lines from the report', () => {
    expect(summary.passed).toBe(true);
    expect(summary.startedAt).toBe(new Date(t0).toISOString());
    expect(summary.goals.every((g) => g.met)).toBe(true);
    expect(summary.lines.at(-1)).toBe('drill: detect=4.0s');
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it('is self-contained: a CSP that loads nothing, no script, no external reference', () => {
    const html = renderReportHtml(summary);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replaceAll("'", '&#39;')}">`,
    );
    expect(REPORT_CSP).toMatch(/^default-src 'none';/);
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|\bhref=|url\(|@import/i);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:/);
    expect(html).toContain('all goals met');
  });

  it('escapes problem text and marks missed goals', () => {
    const bad = drillSummary(
      {
        ...report,
        problems: ['<img src=x> detect > 15 s'],
        figures: { ...report.figures, detectS: 16.2 },
      },
      timeline,
      'x',
    );
    const html = renderReportHtml(bad);
    expect(html).toContain('&lt;img src=x&gt; detect &gt; 15 s');
    expect(html).not.toContain('<img');
    expect(html).toContain('1 goal(s) missed');
    expect(bad.goals[0]).toEqual({
      goal: 'detect ≤ 15 s after the kill',
      measured: '16.2 s',
      met: false,
    });
  });

  it('fails the goal table on a missing figure or any count above zero', () => {
    const f = report.figures;
    const checks = goalChecks({
      failedOutsideDetection: 3,
      figures: {
        ...f,
        trafficS: null,
        falseFailovers: 1,
        splitBrainWrites: 0,
        partitionFailovers: 2,
      },
    });
    expect(checks.map((c) => c.met)).toEqual([true, false, false, false, true, false]);
  });

  it('names its files after the start time, without colons', () => {
    expect(reportName('2026-12-06T16:15:21.123Z')).toBe('drill-2026-12-06T16-15-21Z');
  });
});

describe('formatProgress', () => {
  it('prints phase, elapsed, requests so far and mode on one line', () => {
    expect(
      formatProgress({
        phase: 'flapping',
        elapsedMs: 8012,
        requests: 612,
        failed: 0,
        mode: 'standby',
        note: '1 primary probe in 3 fails',
      }),
    ).toBe(
      'drill> +   8.0s flapping       requests=612 failed=0 mode=standby | 1 primary probe in 3 fails',
    );
  });
});
