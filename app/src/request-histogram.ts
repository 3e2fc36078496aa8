/**
 * Default most series: every route × GET/HEAD × the statuses the service answers (including each
 * `/error?code=5xx`) fits, with room for 405s of other methods.
 */
export const DEFAULT_MAX_SERIES = 300;

/** One series of the request-duration histogram: its attributes and what was recorded. */
export interface HistogramSeries {
  /**
   * `http.request.method`, `http.response.status_code`, `http.route` (in this order), or only
   * `otel.metric.overflow` for the overflow series.
   */
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
  /** Every series but the overflow one, in the order first recorded. */
  private readonly series: HistogramSeries[] = [];
  /**
   * Route -> status -> method -> series: a lookup builds no key string (it runs once per request).
   * Inner maps are only made for a series that is kept, so the index stays within `maxSeries`.
   */
  private readonly index = new Map<string, Map<number, Map<string, HistogramSeries>>>();
  private overflow: HistogramSeries | undefined;

  /**
   * `maxSeries` bounds the series count whatever the input: once reached, new attribute sets are
   * all recorded into one series labelled `otel.metric.overflow="true"` (the OpenTelemetry SDK's
   * cardinality-limit convention), so a scrape never grows past it.
   */
  constructor(
    readonly boundaries: readonly number[],
    readonly maxSeries = DEFAULT_MAX_SERIES,
  ) {}

  record(method: string, route: string, status: number, seconds: number): void {
    if (Number.isNaN(seconds)) return;
    const s =
      this.index.get(route)?.get(status)?.get(method) ?? this.newSeries(method, route, status);
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
    const all = [...this.series];
    if (this.overflow !== undefined) all.push(this.overflow);
    return all.map((s) => ({ ...s, counts: [...s.counts] }));
  }

  /** The series of a new attribute set: its own while under `maxSeries`, else the overflow one. */
  private newSeries(method: string, route: string, status: number): HistogramSeries {
    if (this.series.length >= this.maxSeries) {
      this.overflow ??= this.emptySeries({ 'otel.metric.overflow': 'true' });
      return this.overflow;
    }
    // Insertion order is the label order in the Prometheus output (alphabetical here).
    const s = this.emptySeries({
      'http.request.method': method,
      'http.response.status_code': status,
      'http.route': route,
    });
    this.series.push(s);
    let byStatus = this.index.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.index.set(route, byStatus);
    }
    let byMethod = byStatus.get(status);
    if (byMethod === undefined) {
      byMethod = new Map();
      byStatus.set(status, byMethod);
    }
    byMethod.set(method, s);
    return s;
  }

  private emptySeries(attributes: Record<string, string | number>): HistogramSeries {
    return {
      attributes: Object.freeze(attributes),
      counts: new Array<number>(this.boundaries.length + 1).fill(0),
      sum: 0,
      count: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
    };
  }
}
