/**
 * The drill timeline as one inline SVG string (pure, no script, no external reference): requests
 * per second per region as lines, failed requests as red bars, the drill's phases as bands, the
 * controller's mode as a lane, kill / detect / pin / failback markers, the goals as dashed
 * deadlines. Every drawn datum carries data-* attributes (region, kind, t) so tests read the data,
 * not pixels.
 */
import type { Marker, Span, Timeline } from './timeline.js';

const W = 1160;
const LEFT = 56;
const RIGHT = 16;
const PHASE_Y = 8;
const CHART_Y = 40;
const CHART_H = 300;
const MODE_Y = CHART_Y + CHART_H + 30;
const LEGEND_Y = MODE_Y + 44;
const H = LEGEND_Y + 20;

export const REGION_COLOURS = ['#1f6fb4', '#e8710a', '#2ca02c', '#9467bd'] as const;
const FAILED = '#d62728';
const GOAL = '#2e7d32';
const MODE_COLOURS: Record<string, string> = {
  standby: '#cfd8dc',
  'failing-over': '#ffb74d',
  'failed-over': '#ef9a9a',
  'failing-back': '#b39ddb',
};

/** Escapes text for HTML and SVG content and attribute values. */
export const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** The smallest 1/2/5 × 10^k step giving at most 5 ticks up to `max`, and the axis top. */
export function niceAxis(max: number): { step: number; top: number } {
  const m = Math.max(max, 5);
  const p = 10 ** Math.floor(Math.log10(m));
  const step = [1, 2, 5, 10, 20].map((k) => (k * p) / 10).find((s) => m / s <= 5) ?? 5 * p;
  return { step, top: Math.ceil(m / step) * step };
}

interface Scale {
  x(t: number): number;
  y(rps: number): number;
  top: number;
  step: number;
}

function scaleOf(tl: Timeline): Scale {
  const { binS, bins, regions } = tl.series;
  const peak = Math.max(
    0,
    ...bins.flatMap((b) => [b.failed, ...regions.map((r) => b.ok[r] ?? 0)].map((c) => c / binS)),
  );
  const { step, top } = niceAxis(peak);
  const span = Math.max(tl.durationS, binS);
  return {
    x: (t) => LEFT + (Math.min(Math.max(t, 0), span) / span) * (W - LEFT - RIGHT),
    y: (rps) => CHART_Y + CHART_H - (rps / top) * CHART_H,
    top,
    step,
  };
}

/** Labels this close to the right edge are drawn to the left of their line. */
const atEdge = (x: number) => x > W - RIGHT - 220;

function text(x: number, y: number, s: string, extra = ''): string {
  return `<text x="${n1(x)}" y="${n1(y)}" ${extra}>${esc(s)}</text>`;
}

/** Phase bands across the chart (alternating shade), labelled where the band is wide enough. */
function phaseBands(phases: readonly Span[], s: Scale): string[] {
  return phases.map((p, i) => {
    const x = s.x(p.from);
    const w = s.x(p.to) - x;
    const fill = i % 2 === 0 ? '#f5f7fa' : '#eceff4';
    const label = w > p.name.length * 6.5 + 6 ? text(x + 3, PHASE_Y + 14, p.name) : '';
    return `<g class="phase" data-phase="${esc(p.name)}" data-from="${p.from}" data-to="${p.to}"><title>${esc(`${p.name}: ${p.from}–${p.to} s`)}</title><rect x="${n1(x)}" y="${PHASE_Y}" width="${n1(w)}" height="${CHART_Y + CHART_H - PHASE_Y}" fill="${fill}"/>${label}</g>`;
  });
}

function axes(tl: Timeline, s: Scale): string[] {
  const out: string[] = [];
  for (let v = 0; v <= s.top; v += s.step) {
    const y = s.y(v);
    out.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${n1(y)}" y2="${n1(y)}" stroke="#d0d4da" stroke-width="0.5"/>`,
      text(LEFT - 6, y + 4, `${v}`, 'text-anchor="end"'),
    );
  }
  const every = tl.durationS > 240 ? 30 : tl.durationS > 60 ? 10 : 5;
  for (let t = 0; t <= tl.durationS; t += every) {
    out.push(text(s.x(t), CHART_Y + CHART_H + 16, `${t}s`, 'text-anchor="middle"'));
  }
  out.push(
    text(
      12,
      CHART_Y + CHART_H / 2,
      'requests / s',
      `transform="rotate(-90 12 ${CHART_Y + CHART_H / 2})" text-anchor="middle"`,
    ),
  );
  return out;
}

function series(tl: Timeline, s: Scale): string[] {
  const { binS, bins, regions } = tl.series;
  const failed = bins
    .filter((b) => b.failed > 0)
    .map((b) => {
      const x = s.x(b.t);
      const y = s.y(b.failed / binS);
      const w = Math.max(1, s.x(b.t + binS) - x);
      return `<rect class="failed" data-t="${b.t}" data-count="${b.failed}" x="${n1(x)}" y="${n1(y)}" width="${n1(w)}" height="${n1(CHART_Y + CHART_H - y)}" fill="${FAILED}"/>`;
    });
  const lines = regions.map((r, i) => {
    const points = bins
      .map((b) => `${n1(s.x(b.t + binS / 2))},${n1(s.y((b.ok[r] ?? 0) / binS))}`)
      .join(' ');
    const colour = REGION_COLOURS[i % REGION_COLOURS.length];
    return `<polyline class="series" data-region="${esc(r)}" fill="none" stroke="${colour}" stroke-width="1.6" points="${points}"/>`;
  });
  return [...failed, ...lines];
}

/** Vertical marker lines, labels staggered over four rows so close markers stay readable. */
function markerLines(markers: readonly Marker[], s: Scale): string[] {
  return markers.map((m, i) => {
    const x = s.x(m.t);
    const y = CHART_Y + 12 + 13 * (i % 4);
    const label = atEdge(x)
      ? text(x - 3, y, `${m.label} ${n1(m.t)}s`, 'font-weight="600" text-anchor="end"')
      : text(x + 3, y, `${m.label} ${n1(m.t)}s`, 'font-weight="600"');
    return `<g class="marker" data-kind="${m.kind}" data-t="${m.t}"><line x1="${n1(x)}" x2="${n1(x)}" y1="${CHART_Y}" y2="${CHART_Y + CHART_H}" stroke="#37474f" stroke-width="1.2"/>${label}</g>`;
  });
}

function goalLines(tl: Timeline, s: Scale): string[] {
  const band = tl.detectionWindow
    ? [
        `<rect class="detection-window" data-from="${tl.detectionWindow.from}" data-to="${tl.detectionWindow.to}" x="${n1(s.x(tl.detectionWindow.from))}" y="${CHART_Y}" width="${n1(s.x(tl.detectionWindow.to) - s.x(tl.detectionWindow.from))}" height="${CHART_H}" fill="${FAILED}" fill-opacity="0.08"/>`,
      ]
    : [];
  const lines = tl.goals.map((g, i) => {
    const x = s.x(g.t);
    const y = CHART_Y + CHART_H - 8 - 13 * i;
    const label = atEdge(x)
      ? text(x - 3, y, `goal: ${g.label}`, `fill="${GOAL}" text-anchor="end"`)
      : text(x + 3, y, `goal: ${g.label}`, `fill="${GOAL}"`);
    return `<g class="goal" data-goal="${g.id}" data-t="${g.t}" data-limit="${g.limitS}"><line x1="${n1(x)}" x2="${n1(x)}" y1="${CHART_Y}" y2="${CHART_Y + CHART_H}" stroke="${GOAL}" stroke-width="1.4" stroke-dasharray="5 4"/>${label}</g>`;
  });
  return [...band, ...lines];
}

function modeLane(modes: readonly Span[], s: Scale): string[] {
  const lane = modes.map((m) => {
    const x = s.x(m.from);
    const w = s.x(m.to) - x;
    const label = w > m.name.length * 6.5 + 6 ? text(x + 3, MODE_Y + 15, m.name) : '';
    return `<g class="mode" data-mode="${esc(m.name)}" data-from="${m.from}" data-to="${m.to}"><title>${esc(`${m.name}: ${m.from}–${m.to} s`)}</title><rect x="${n1(x)}" y="${MODE_Y}" width="${n1(w)}" height="22" fill="${MODE_COLOURS[m.name] ?? '#e0e0e0'}"/>${label}</g>`;
  });
  return [text(LEFT - 6, MODE_Y + 15, 'mode', 'text-anchor="end"'), ...lane];
}

function legend(tl: Timeline): string[] {
  const thin = 'stroke-width="3"';
  const items: [string, string, string][] = [
    ...tl.series.regions.map((r, i): [string, string, string] => [
      REGION_COLOURS[i % REGION_COLOURS.length] ?? '#000',
      `answered by ${r}`,
      thin,
    ]),
    [FAILED, 'failed requests', thin],
    [GOAL, 'goal deadline', `${thin} stroke-dasharray="5 4"`],
    ['#37474f', 'event', thin],
    ['#f4c7c7', 'detection window (kill → detect)', 'stroke-width="10"'],
  ];
  let x = LEFT;
  return items.map(([colour, label, stroke]) => {
    const at = x;
    x += 46 + label.length * 6.2;
    return `<line x1="${n1(at)}" x2="${n1(at + 22)}" y1="${LEGEND_Y}" y2="${LEGEND_Y}" stroke="${colour}" ${stroke}/>${text(at + 28, LEGEND_Y + 4, label)}`;
  });
}

/** Pure: the timeline as a self-contained SVG element. */
export function renderTimelineSvg(tl: Timeline): string {
  const s = scaleOf(tl);
  const parts = [
    ...phaseBands(tl.phases, s),
    ...axes(tl, s),
    ...goalLines(tl, s),
    ...series(tl, s),
    ...markerLines(tl.markers, s),
    ...modeLane(tl.modes, s),
    ...legend(tl),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" id="timeline" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="drill timeline: requests per second per region, failed requests, controller mode, events and goals">${parts.join('')}</svg>`;
}
