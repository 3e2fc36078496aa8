import type { MetricProducer, MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { rateLimited } from './rate-limit.js';

/** Most one log line per this many ms about failed exports. */
export const EXPORT_FAILURE_LOG_INTERVAL_MS = 60_000;

export interface OtlpOptions {
  /** Interval between exports (ms). */
  intervalMs: number;
  /**
   * Told about failed exports, rate-limited to one call per {@link EXPORT_FAILURE_LOG_INTERVAL_MS}:
   * `failures` counts every failure since the previous call. The SDK itself only reports them
   * to its diagnostic logger, which is silent unless set up.
   */
  onFailure: (failures: number, reason: string) => void;
}

/**
 * Builds an OTLP/HTTP periodic metric reader that also exports what `metricProducers` produce
 * (the request histogram). main.ts imports this module only when an OTLP endpoint is configured,
 * so a default start does not pay for loading the exporter.
 * The exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables itself.
 */
export async function createOtlpReader(
  metricProducers: MetricProducer[],
  options: OtlpOptions,
): Promise<MetricReader> {
  const [{ OTLPMetricExporter }, { PeriodicExportingMetricReader }] = await Promise.all([
    import('@opentelemetry/exporter-metrics-otlp-http'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  const exporter = reportingFailures(
    new OTLPMetricExporter(),
    rateLimited(EXPORT_FAILURE_LOG_INTERVAL_MS, options.onFailure),
  );
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.intervalMs,
    // The SDK refuses a timeout longer than the interval.
    exportTimeoutMillis: Math.min(options.intervalMs, 10_000),
    metricProducers,
  });
}

/** `inner`, telling `failed` the reason of every export that does not succeed. */
export function reportingFailures(
  inner: PushMetricExporter,
  failed: (reason: string) => void,
): PushMetricExporter {
  const exporter: PushMetricExporter = {
    export(metrics, done) {
      inner.export(metrics, (result) => {
        // 0 is ExportResultCode.SUCCESS (@opentelemetry/core).
        if (result.code !== 0) failed(result.error?.message ?? 'export failed');
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
  if (inner.selectAggregationTemporality) {
    exporter.selectAggregationTemporality = inner.selectAggregationTemporality.bind(inner);
  }
  if (inner.selectAggregation) exporter.selectAggregation = inner.selectAggregation.bind(inner);
  return exporter;
}
