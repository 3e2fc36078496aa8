/**
 * The drill report's data (pure): client samples binned into requests per second per region and
 * failed requests, the controller's mode spans, the drill's phases, the kill / detect / pin /
 * failback markers and the goals as lines on the same time axis. Times are seconds since the drill
 * started (the first client request); svg.ts draws this, test/drill-timeline.test.ts checks it.
 */
import type { Marks, Observed, Sample } from '../drill-report.js';
import { GOALS } from '../drill-report.js';

/** A phase the drill entered at `at` (ms since epoch); see drill-progress.ts for the names. */
export interface PhaseMark {
  name: string;
  at: number;
}

/** One bin of `binS` seconds starting at `t`: answered requests per region, failed requests. */
export interface Bin {
  t: number;
  ok: Record<string, number>;
  failed: number;
}

export interface Series {
  binS: number;
  /** Regions that answered at least one request, sorted. */
  regions: string[];
  bins: Bin[];
  /** Samples that started before t = 0 or after the end, so in no bin (0 in a real drill). */
  outside: number;
}

export type MarkerKind =
  | 'kill'
  | 'detect'
  | 'leader-killed'
  | 'pin'
  | 'restored'
  | 'failback'
  | 'pin-back';

export interface Marker {
  kind: MarkerKind;
  t: number;
  label: string;
}

export interface Span {
  name: string;
  from: number;
  to: number;
}

/** A time goal drawn as a deadline: `limitS` after the kill, at `t` on the time axis. */
export interface GoalLine {
  id: 'detect' | 'traffic';
  label: string;
  t: number;
  limitS: number;
}

export interface Timeline {
  /** ms since epoch of t = 0. */
  startedAt: number;
  durationS: number;
  series: Series;
  /** The leading controller's mode over time (starts in standby). */
  modes: Span[];
  phases: Span[];
  markers: Marker[];
  goals: GoalLine[];
  /** Kill → detection: the only window in which requests may fail. */
  detectionWindow: { from: number; to: number } | null;
}

/** Seconds since `startedAt`, rounded to milliseconds. */
const since = (startedAt: number, at: number) => Math.round(at - startedAt) / 1000;

/**
 * Pure: the samples in bins of `binMs` by the time each request started; empty bins kept, samples
 * outside [startedAt, endAt] counted in `outside`.
 */
export function binSamples(
  samples: readonly Sample[],
  startedAt: number,
  endAt: number,
  binMs = 1000,
): Series {
  if (!(binMs > 0)) throw new RangeError(`binMs must be > 0, got ${binMs}`);
  const regions = [...new Set(samples.filter((s) => s.ok).map((s) => s.region || 'unknown'))];
  regions.sort();
  const count = Math.max(1, Math.ceil((endAt - startedAt) / binMs));
  const zero = () => Object.fromEntries(regions.map((r) => [r, 0]));
  const bins: Bin[] = Array.from({ length: count }, (_, i) => ({
    t: (i * binMs) / 1000,
    ok: zero(),
    failed: 0,
  }));
  let outside = 0;
  for (const s of samples) {
    const bin = s.at <= endAt ? bins[Math.floor((s.at - startedAt) / binMs)] : undefined;
    if (bin === undefined) {
      outside += 1;
      continue;
    }
    if (!s.ok) bin.failed += 1;
    else {
      const region = s.region || 'unknown';
      bin.ok[region] = (bin.ok[region] ?? 0) + 1;
    }
  }
  return { binS: binMs / 1000, regions, bins, outside };
}

/** Pure: consecutive spans that each run from one mark to the next (the last to `endAt`). */
export function spans(
  marks: readonly PhaseMark[],
  startedAt: number,
  endAt: number,
  first?: string,
): Span[] {
  const sorted = [...marks].sort((a, b) => a.at - b.at);
  const all = first === undefined ? sorted : [{ name: first, at: startedAt }, ...sorted];
  return all
    .map((m, i) => ({
      name: m.name,
      from: since(startedAt, m.at),
      to: since(startedAt, all[i + 1]?.at ?? endAt),
    }))
    .filter((s) => s.to > s.from);
}

/** Pure: the kill, detection, leader kill, dial pins and failback as markers, in time order. */
export function markersOf(o: Observed, startedAt: number): Marker[] {
  const { marks, transitions } = o;
  const kill = marks.kill;
  const after = (to: string, from: number | null) =>
    from === null ? null : (transitions.find((t) => t.to === to && t.at >= from)?.at ?? null);
  const detect = after('failing-over', kill);
  const candidates: [MarkerKind, number | null, string][] = [
    ['kill', kill, 'primary killed'],
    ['detect', detect, 'failover detected'],
    ['leader-killed', o.killedLeader?.at ?? null, 'leader killed'],
    ['pin', after('failed-over', detect), 'dials pinned to standby'],
    ['restored', marks.restored, 'primary restarted'],
    ['failback', marks.failbackCommand, 'failback command'],
    ['pin-back', after('failing-back', marks.failbackCommand), 'dials back to primary'],
  ];
  return candidates
    .filter((c): c is [MarkerKind, number, string] => c[1] !== null)
    .map(([kind, at, label]) => ({ kind, t: since(startedAt, at), label }))
    .sort((a, b) => a.t - b.t);
}

/** Pure: the time goals as deadlines after the kill; none when the kill did not happen. */
export function goalLines(marks: Marks, startedAt: number): GoalLine[] {
  if (marks.kill === null) return [];
  const kill = since(startedAt, marks.kill);
  return [
    {
      id: 'detect',
      label: `detect ≤ ${GOALS.detectS} s`,
      t: kill + GOALS.detectS,
      limitS: GOALS.detectS,
    },
    {
      id: 'traffic',
      label: `traffic on standby ≤ ${GOALS.trafficS} s`,
      t: kill + GOALS.trafficS,
      limitS: GOALS.trafficS,
    },
  ];
}

/** Pure: the whole timeline of a drill that started at `startedAt` and entered `phases`. */
export function buildTimeline(
  o: Observed,
  run: { startedAt: number; phases: readonly PhaseMark[] },
  binMs = 1000,
): Timeline {
  const { startedAt } = run;
  const endAt = Math.max(o.marks.end, startedAt);
  const markers = markersOf(o, startedAt);
  const at = (kind: MarkerKind) => markers.find((m) => m.kind === kind)?.t ?? null;
  const kill = at('kill');
  const detect = at('detect');
  const modes = spans(
    o.transitions.map((t) => ({ name: t.to, at: t.at })),
    startedAt,
    endAt,
    'standby',
  );
  return {
    startedAt,
    durationS: since(startedAt, endAt),
    series: binSamples(o.samples, startedAt, endAt, binMs),
    modes,
    phases: spans(run.phases, startedAt, endAt),
    markers,
    goals: goalLines(o.marks, startedAt),
    detectionWindow: kill === null || detect === null ? null : { from: kill, to: detect },
  };
}
