import type { MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';

/**
 * Builds an OTLP/HTTP periodic metric reader that also exports what `metricProducers` produce
 * (the request histogram). main.ts imports this module only when an OTLP endpoint is configured,
 * so a default start does not pay for loading the exporter.
 * The exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables itself.
 */
export async function createOtlpReader(
  metricProducers: MetricProducer[],
  intervalMs = 15_000,
): Promise<MetricReader> {
  const [{ OTLPMetricExporter }, { PeriodicExportingMetricReader }] = await Promise.all([
    import('@opentelemetry/exporter-metrics-otlp-http'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  return new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(),
    exportIntervalMillis: intervalMs,
    metricProducers,
  });
}
