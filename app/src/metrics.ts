import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Attributes, Histogram } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

/** Bucket boundaries (seconds) of `http.server.request.duration`, per the HTTP semconv advice. */
export const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

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

/** What the HTTP layer needs from metrics. */
export interface Metrics {
  /** Records one finished request; `route` must be a template, never a raw path. */
  recordRequest(method: string, route: string, status: number, seconds: number): void;
  /** Renders every metric in the Prometheus text format. */
  render(): Promise<string>;
  shutdown(): Promise<void>;
}

/**
 * Builds the meter provider with a pull reader for `/metrics`, the request-duration histogram and
 * a few Node runtime gauges. `extraReaders` (e.g. OTLP) are attached at construction.
 */
export function createMetrics(
  identity: MetricsIdentity,
  extraReaders: MetricReader[] = [],
): Metrics {
  const reader = new PullReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'demo-app',
      'service.version': identity.version,
      'service.instance.id': identity.pod,
      'cloud.region': identity.region,
    }),
    readers: [reader, ...extraReaders],
  });
  const meter = provider.getMeter('demo-app');
  const histogram: Histogram = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests.',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  registerRuntimeGauges(provider);

  // Attribute objects are cached per (method, route, status): a handful of combinations, so the
  // hot path allocates nothing for them.
  const attributeCache = new Map<string, Attributes>();
  const serializer = new PrometheusSerializer('', false, undefined, false, true);

  return {
    recordRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let attributes = attributeCache.get(key);
      if (attributes === undefined) {
        attributes = {
          // Insertion order is the label order in the Prometheus output (alphabetical here).
          'http.request.method': method,
          'http.response.status_code': status,
          'http.route': route,
        };
        attributeCache.set(key, attributes);
      }
      histogram.record(seconds, attributes);
    },
    async render() {
      const { resourceMetrics } = await reader.collect();
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}

function registerRuntimeGauges(provider: MeterProvider): void {
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
