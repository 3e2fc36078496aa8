import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

/**
 * Builds an OTLP/HTTP periodic metric reader. The exporter package is imported only here, and
 * only when an OTLP endpoint is configured, so a default start does not pay for loading it.
 * The exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables itself.
 */
export async function createOtlpReader(intervalMs = 15_000): Promise<MetricReader> {
  const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
  return new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(),
    exportIntervalMillis: intervalMs,
  });
}
