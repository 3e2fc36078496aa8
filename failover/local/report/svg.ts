/**
 * The drill timeline as an inline SVG string (pure, no script, no external reference), over a view
 * (a time window: the whole drill, or the failover and failback): requests per second per region
 * as lines, failed requests as red bars, the drill's phases as bands, the controller's mode as a
 * lane, kill / detect / pin / failback markers, the goals as dashed deadlines. Every drawn datum
 * carries data-* attributes (region, kind, t) so tests read the data, not pixels.
 */
import { esc, labelWidth, n1, niceAxis, packRows, text } from './svg-parts.js';
import type { Bin, Span, Timeline } from './timeline.js';

export { esc, niceAxis } from './svg-parts.js';

/** A time window of the timeline, in seconds since the drill started. */
export interface View {
  id: string;
  from: number;
  to: number;
  legend: boolean;
  /** Label the markers and goals (off where a closer view labels them). */
  labels: boolean;
}

const W = 1160;
const LEFT = 56;
const RIGHT = 16;
const PHASE_Y = 2;
const ROWS = 5;
const ROW_H = 12;
const CHART_H = 160;

export const REGION_COLOURS = ['#1f6fb4', '#e8710a', '#2ca02c', '#9467bd'] as const;
const FAILED = '#d62728';
const GOAL = '#2e7d32';
const EVENT = '#37474f';
const MODE_COLOURS: Record<string, string> = {
  standby: '#cfd8dc',
  'failing-over': '#ffb74d',
  'failed-over': '#ef9a9a',
  'failing-back': '#b39ddb',
};

/** The whole drill. */
export const wholeView = (tl: Timeline): View => ({
  id: 'timeline',
  from: 0,
  to: tl.durationS,
  legend: true,
  labels: failoverView(tl) === null,
});

/** From 10 s before the kill to the end; null when the primary was never killed. */
export function failoverView(tl: Timeline): View | null {
  const kill = tl.markers.find((m) => m.kind === 'kill')?.t;
  if (kill === undefined) return null;
  const from = Math.round(Math.max(0, kill - 10) * 10) / 10;
  return { id: 'failover', from, to: tl.durationS, legend: false, labels: true };
}

interface Scale {
  x(t: number): number;
  y(rps: number): number;
  inView(t: number): boolean;
  top: number;
  step: number;
  /** Top and bottom of the chart area (px); label rows sit above it. */
  chartY: number;
  bottom: number;
}

function scaleOf(tl: Timeline, v: View): Scale {
  const { binS, bins, regions } = tl.series;
  const shown = bins.filter((b) => b.t >= v.from && b.t < v.to);
  const counts = shown.flatMap((b) => [b.failed, ...regions.map((r) => b.ok[r] ?? 0)]);
  const { step, top } = niceAxis(Math.max(0, ...counts) / binS);
  const span = Math.max(v.to - v.from, binS);
  const clamp = (t: number) => Math.min(Math.max(t, v.from), v.from + span);
  const chartY = PHASE_Y + 18 + (v.labels ? ROWS * ROW_H + 4 : 0);
  const bottom = chartY + CHART_H;
  return {
    chartY,
    bottom,
    x: (t) => LEFT + ((clamp(t) - v.from) / span) * (W - LEFT - RIGHT),
    y: (rps) => bottom - (rps / top) * CHART_H,
    inView: (t) => t >= v.from && t <= v.to,
    top,
    step,
  };
}

/** Bands of `spans` clipped to the view, labelled where wide enough. */
function bands(
  cls: string,
  spans: readonly Span[],
  s: Scale,
  y: number,
  h: number,
  fill: (i: number, name: string) => string,
): string[] {
  return spans
    .filter((p) => s.x(p.to) > s.x(p.from))
    .map((p, i) => {
      const x = s.x(p.from);
      const w = s.x(p.to) - x;
      const label = w > labelWidth(p.name) ? text(x + 3, y + 13, p.name) : '';
      return `<g class="${cls}" data-name="${esc(p.name)}" data-from="${p.from}" data-to="${p.to}"><title>${esc(`${p.name}: ${p.from}–${p.to} s`)}</title><rect x="${n1(x)}" y="${y}" width="${n1(w)}" height="${h}" fill="${fill(i, p.name)}"/>${label}</g>`;
    });
}

function axes(v: View, s: Scale): string[] {
  const out: string[] = [];
  for (let r = 0; r <= s.top; r += s.step) {
    const y = s.y(r);
    out.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${n1(y)}" y2="${n1(y)}" stroke="#d0d4da" stroke-width="0.5"/>`,
      text(LEFT - 6, y + 4, `${r}`, 'text-anchor="end"'),
    );
  }
  const span = v.to - v.from;
  const every = span > 240 ? 30 : span > 60 ? 10 : 5;
  for (let t = Math.ceil(v.from / every) * every; t <= v.to; t += every) {
    out.push(text(s.x(t), s.bottom + 14, `${t}s`, 'text-anchor="middle"'));
  }
  const mid = s.chartY + CHART_H / 2;
  out.push(text(12, mid, 'requests / s', `transform="rotate(-90 12 ${mid})" text-anchor="middle"`));
  return out;
}

function series(tl: Timeline, v: View, s: Scale): string[] {
  const { binS, regions } = tl.series;
  const bins = tl.series.bins.filter((b) => b.t >= v.from && b.t < v.to);
  // a rate over the time the bin covers: the last bin may end before binS
  const per = (b: Bin) => Math.max(0.001, Math.min(binS, tl.durationS - b.t));
  const failed = bins
    .filter((b) => b.failed > 0)
    .map((b) => {
      const x = s.x(b.t);
      const y = s.y(b.failed / per(b));
      const w = Math.max(1.5, s.x(b.t + binS) - x);
      return `<rect class="failed" data-t="${b.t}" data-count="${b.failed}" x="${n1(x)}" y="${n1(y)}" width="${n1(w)}" height="${n1(s.bottom - y)}" fill="${FAILED}"/>`;
    });
  const lines = regions.map((r, i) => {
    const points = bins.map(
      (b) => `${n1(s.x(b.t + binS / 2))},${n1(s.y((b.ok[r] ?? 0) / per(b)))}`,
    );
    const colour = REGION_COLOURS[i % REGION_COLOURS.length];
    return `<polyline class="series" data-region="${esc(r)}" fill="none" stroke="${colour}" stroke-width="1.6" points="${points.join(' ')}"/>`;
  });
  return [...failed, ...lines];
}

/** Markers and goal deadlines in the view: vertical lines, labels packed in rows above the chart. */
function events(tl: Timeline, v: View, s: Scale): string[] {
  const items = [
    ...tl.markers.map((m) => ({
      t: m.t,
      label: `${m.label} ${n1(m.t)}s`,
      open: `<g class="marker" data-kind="${m.kind}" data-t="${m.t}">`,
      colour: EVENT,
      dash: '',
    })),
    ...tl.goals.map((g) => ({
      t: g.t,
      label: `goal: ${g.label}`,
      open: `<g class="goal" data-goal="${g.id}" data-t="${g.t}" data-limit="${g.limitS}">`,
      colour: GOAL,
      dash: ' stroke-dasharray="5 4"',
    })),
  ]
    .filter((e) => s.inView(e.t))
    .sort((a, b) => a.t - b.t);
  const placed = packRows(
    items.map((e) => ({ x: s.x(e.t), width: labelWidth(e.label) })),
    ROWS,
    W - RIGHT,
  );
  return items.map((e, i) => {
    const x = s.x(e.t);
    const { x: lx, row } = placed[i] ?? { x, row: 0 };
    const y = PHASE_Y + 18 + (row + 1) * ROW_H;
    const label = v.labels ? text(lx, y, e.label, `fill="${e.colour}" font-weight="600"`) : '';
    const y1 = v.labels ? y + 2 : s.chartY;
    return `${e.open}<title>${esc(e.label)}</title><line x1="${n1(x)}" x2="${n1(x)}" y1="${y1}" y2="${s.bottom}" stroke="${e.colour}" stroke-width="1.3"${e.dash}/>${label}</g>`;
  });
}

function detectionWindow(tl: Timeline, s: Scale): string[] {
  const w = tl.detectionWindow;
  if (w === null || s.x(w.to) <= s.x(w.from)) return [];
  return [
    `<rect class="detection-window" data-from="${w.from}" data-to="${w.to}" x="${n1(s.x(w.from))}" y="${s.chartY}" width="${n1(s.x(w.to) - s.x(w.from))}" height="${CHART_H}" fill="${FAILED}" fill-opacity="0.1"/>`,
  ];
}

function legend(tl: Timeline, y: number): string[] {
  const line = 'stroke-width="3"';
  const items: [string, string, string][] = [
    ...tl.series.regions.map((r, i): [string, string, string] => [
      REGION_COLOURS[i % REGION_COLOURS.length] ?? '#000',
      `answered by ${r}`,
      line,
    ]),
    [FAILED, 'failed requests', line],
    [EVENT, 'event', line],
    [GOAL, 'goal deadline', `${line} stroke-dasharray="5 4"`],
    ['#f4c7c7', 'detection window (kill → detect)', 'stroke-width="10"'],
  ];
  let x = LEFT;
  return items.map(([colour, label, stroke]) => {
    const at = x;
    x += 46 + label.length * 6.2;
    return `<line x1="${n1(at)}" x2="${n1(at + 22)}" y1="${y}" y2="${y}" stroke="${colour}" ${stroke}/>${text(at + 28, y + 4, label)}`;
  });
}

/** Pure: the timeline over `view` (default: the whole drill) as a self-contained SVG element. */
export function renderTimelineSvg(tl: Timeline, view: View = wholeView(tl)): string {
  const s = scaleOf(tl, view);
  const clip = (spans: readonly Span[]) =>
    spans
      .filter((p) => p.to > view.from && p.from < view.to)
      .map((p) => ({ ...p, from: Math.max(p.from, view.from), to: Math.min(p.to, view.to) }));
  const shade = (i: number) => (i % 2 === 0 ? '#f5f7fa' : '#e9edf2');
  const mode = (_: number, name: string) => MODE_COLOURS[name] ?? '#e0e0e0';
  const modeY = s.bottom + 22;
  const h = modeY + 22 + (view.legend ? 30 : 6);
  const parts = [
    ...bands('phase', clip(tl.phases), s, PHASE_Y, s.bottom - PHASE_Y, shade),
    ...axes(view, s),
    ...detectionWindow(tl, s),
    ...series(tl, view, s),
    ...events(tl, view, s),
    text(LEFT - 6, modeY + 15, 'mode', 'text-anchor="end"'),
    ...bands('mode', clip(tl.modes), s, modeY, 22, mode),
    ...(view.legend ? legend(tl, modeY + 40) : []),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${esc(view.id)}" data-from="${view.from}" data-to="${view.to}" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="drill timeline ${n1(view.from)}–${n1(view.to)} s: requests per second per region, failed requests, controller mode, events and goals">${parts.join('')}</svg>`;
}
