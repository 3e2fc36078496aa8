import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type HrTime, ValueType } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  MeterProvider,
  type MetricProducer,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { RequestHistogram } from './request-histogram.js';

/** Bucket boundaries (seconds) of `http.server.request.duration`, per the HTTP semconv advice. */
export const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** How long a rendered `/metrics` answer is reused: scrapes in between cost a copy of the bytes. */
export const METRICS_CACHE_MS = 500;

/** Builds further readers (e.g. OTLP) that also export what `producers` produce. */
export type ExtraReaders = (producers: MetricProducer[]) => Promise<MetricReader[]>;

/** A reader that only collects on demand: `/metrics` pulls from it. */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Identity of this process, recorded as OpenTelemetry resource attributes. */
export interface MetricsIdentity {
  version: string;
  pod: string;
  region: string;
}

/** Counters kept outside the metrics SDK, read at each collection. */
export interface ExternalCounters {
  /** Log lines dropped because stdout was not read fast enough. */
  droppedLogLines?: () => number;
  /** Connections closed because `MAX_CONNECTIONS` were open. */
  rejectedConnections?: () => number;
}

/** What the HTTP layer needs from metrics. */
export interface Metrics {
  /** Records one finished request; `route` must be a template, never a raw path. */
  recordRequest(method: string, route: string, status: number, seconds: number): void;
  /**
   * Every metric in the Prometheus text format, rendered at most once per
   * {@link METRICS_CACHE_MS} (concurrent scrapes share one rendering).
   */
  render(): Promise<Buffer>;
  shutdown(): Promise<void>;
}

/**
 * Builds the meter provider with a pull reader for `/metrics`, the request-duration histogram and
 * a few Node runtime gauges. `extraReaders` (e.g. OTLP) are built here so they see the histogram.
 *
 * The histogram is aggregated by {@link RequestHistogram} (cheap per request) and handed to every
 * reader by a metric producer, as cumulative explicit-bucket data points: the same data the SDK's
 * own histogram instrument would report, in the same Prometheus and OTLP output.
 */
export async function createMetrics(
  identity: MetricsIdentity,
  extraReaders: ExtraReaders = async () => [],
  counters: ExternalCounters = {},
  now: () => number = Date.now,
): Promise<Metrics> {
  const resource = resourceFromAttributes({
    'service.name': 'demo-app',
    'service.version': identity.version,
    'service.instance.id': identity.pod,
    'cloud.region': identity.region,
  });
  const requests = new RequestHistogram(DURATION_BUCKETS);
  const startTime = hrTimeOf(Date.now());
  const producer: MetricProducer = {
    collect: async () => requestsCollection(requests, resource, startTime),
  };
  const reader = new PullReader({ metricProducers: [producer] });
  const provider = new MeterProvider({
    resource,
    readers: [reader, ...(await extraReaders([producer]))],
  });
  registerRuntimeGauges(provider, counters);
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  let cached: { at: number; text: Promise<Buffer> } | undefined;
  const renderNow = async () => {
    const { resourceMetrics } = await reader.collect();
    return Buffer.from(serializer.serialize(resourceMetrics), 'utf8');
  };

  return {
    recordRequest: (method, route, status, seconds) =>
      requests.record(method, route, status, seconds),
    render() {
      const at = now();
      if (cached === undefined || at - cached.at >= METRICS_CACHE_MS || at < cached.at) {
        const text = renderNow();
        cached = { at, text };
        // A failed rendering is not reused.
        text.catch(() => {
          if (cached?.text === text) cached = undefined;
        });
      }
      return cached.text;
    },
    shutdown: () => provider.shutdown(),
  };
}

const hrTimeOf = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1e6];

/** The request histogram as the SDK's collection data. */
function requestsCollection(
  requests: RequestHistogram,
  resource: Resource,
  startTime: HrTime,
): CollectionResult {
  const endTime = hrTimeOf(Date.now());
  const boundaries = [...requests.boundaries];
  return {
    resourceMetrics: {
      resource,
      scopeMetrics: [
        {
          scope: { name: 'demo-app' },
          metrics: [
            {
              descriptor: {
                name: 'http.server.request.duration',
                description: 'Duration of HTTP server requests.',
                unit: 's',
                valueType: ValueType.DOUBLE,
              },
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.HISTOGRAM,
              dataPoints: requests.snapshot().map((s) => ({
                startTime,
                endTime,
                attributes: s.attributes,
                value: {
                  buckets: { boundaries, counts: s.counts },
                  sum: s.sum,
                  count: s.count,
                  min: s.min,
                  max: s.max,
                },
              })),
            },
          ],
        },
      ],
    },
    errors: [],
  };
}

function registerRuntimeGauges(provider: MeterProvider, counters: ExternalCounters): void {
  const meter = provider.getMeter('demo-app.runtime');
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const delay = meter.createObservableGauge('nodejs.eventloop.delay', {
    unit: 's',
    description: 'Event loop delay since the last collection, by percentile.',
  });
  const heap = meter.createObservableGauge('v8js.memory.heap.used', {
    unit: 'By',
    description: 'V8 heap in use.',
  });
  const rss = meter.createObservableGauge('process.memory.usage', {
    unit: 'By',
    description: 'Resident set size of the process.',
  });
  const counter = (name: string, description: string, read: (() => number) | undefined) => {
    if (read === undefined) return;
    meter
      .createObservableCounter(name, { description })
      .addCallback((result) => result.observe(read()));
  };
  counter(
    'log.lines.dropped',
    'Log lines dropped because stdout was not read fast enough.',
    counters.droppedLogLines,
  );
  counter(
    'http.server.connections.rejected',
    'Connections closed because MAX_CONNECTIONS were open.',
    counters.rejectedConnections,
  );
  meter.addBatchObservableCallback(
    (result) => {
      result.observe(delay, loop.percentile(50) / 1e9, { quantile: 'p50' });
      result.observe(delay, loop.percentile(99) / 1e9, { quantile: 'p99' });
      result.observe(delay, loop.max / 1e9, { quantile: 'max' });
      loop.reset();
      const memory = process.memoryUsage();
      result.observe(heap, memory.heapUsed);
      result.observe(rss, memory.rss);
    },
    [delay, heap, rss],
  );
}
