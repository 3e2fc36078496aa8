/** One series of the request-duration histogram: its attributes and what was recorded. */
export interface HistogramSeries {
  /** `http.request.method`, `http.response.status_code`, `http.route` (in this order). */
  readonly attributes: Readonly<Record<string, string | number>>;
  /** Per-bucket counts (not cumulative); the last one is the overflow bucket (+Inf). */
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/**
 * The `http.server.request.duration` histogram, aggregated in place: recording a request is a
 * map lookup and a few additions. Semantics are those of the OpenTelemetry SDK's explicit-bucket
 * histogram (bucket i holds values in (b[i-1], b[i]], cumulative temporality, min/max kept), so
 * a metric producer (metrics.ts) can hand the series to the SDK's readers unchanged. The SDK's own
 * `Histogram.record` hashes the attribute set (sorting and JSON-encoding it) on every call,
 * which cost ≈ 10% of the CPU of a `GET /`.
 */
export class RequestHistogram {
  private readonly series = new Map<string, HistogramSeries>();

  constructor(readonly boundaries: readonly number[]) {}

  record(method: string, route: string, status: number, seconds: number): void {
    if (Number.isNaN(seconds)) return;
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = {
        // Insertion order is the label order in the Prometheus output (alphabetical here).
        attributes: Object.freeze({
          'http.request.method': method,
          'http.response.status_code': status,
          'http.route': route,
        }),
        counts: new Array<number>(this.boundaries.length + 1).fill(0),
        sum: 0,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      };
      this.series.set(key, s);
    }
    const bounds = this.boundaries;
    let i = 0;
    while (i < bounds.length && (bounds[i] ?? 0) < seconds) i++;
    s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += seconds;
    s.count++;
    if (seconds < s.min) s.min = seconds;
    if (seconds > s.max) s.max = seconds;
  }

  /** Copies of every series recorded so far (safe to hand out: later records do not change them). */
  snapshot(): HistogramSeries[] {
    return [...this.series.values()].map((s) => ({ ...s, counts: [...s.counts] }));
  }
}
