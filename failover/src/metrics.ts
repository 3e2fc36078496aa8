import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { ControllerDeps } from './controller.js';
import type { ProbeRound } from './prober.js';
import type { Mode } from './state.js';

const modes: readonly Mode[] = ['standby', 'failing-over', 'failed-over', 'failing-back'];

/**
 * OpenTelemetry instruments exported in the Prometheus format:
 * failover_mode{mode} (1 for the current mode), failover_probe_results_total{kind,result},
 * failover_transitions_total{from,to}, failover_step_duration{step,outcome} (seconds),
 * failover_alerts_total{reason}.
 */
export function createMetrics(): {
  metrics: ControllerDeps['metrics'];
  exporter: PrometheusExporter;
} {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const meter = provider.getMeter('failover-controller');
  let current: Mode = 'standby';
  meter
    .createObservableGauge('failover.mode', { description: 'Current DR mode (1 = active)' })
    .addCallback((r) => {
      for (const m of modes) r.observe(m === current ? 1 : 0, { mode: m });
    });
  const probes = meter.createCounter('failover.probe.results', { description: 'Probe results' });
  const transitions = meter.createCounter('failover.transitions', {
    description: 'Mode transitions',
  });
  const alerts = meter.createCounter('failover.alerts', {
    description:
      'Alerts: DRPartitionSuspected (only the standby sees the primary fail), DRUnconfirmed, DRStateInvalid, DRRequestRejected',
  });
  const steps = meter.createHistogram('failover.step.duration', {
    description: 'Duration of failover/failback steps',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600] },
  });
  return {
    exporter,
    metrics: {
      mode: (m) => {
        current = m as Mode;
      },
      probes: (round: ProbeRound) => {
        for (const ok of round.probes)
          probes.add(1, { kind: 'primary', result: ok ? 'ok' : 'fail' });
        probes.add(1, { kind: 'reference', result: round.reference ? 'ok' : 'fail' });
      },
      transition: (from, to) => transitions.add(1, { from, to }),
      stepDuration: (step, outcome, seconds) => steps.record(seconds, { step, outcome }),
      // bounded label: the reasons are the machine's and controller's own constants
      alert: (reason) => alerts.add(1, { reason }),
    },
  };
}

/** What the loop reports to /healthz. */
export interface LoopHealth {
  /** When the last cycle that completed without error ended (ms since epoch; start time at first). */
  lastSuccessAt: number;
  consecutiveFailures: number;
  lastError: string | null;
}

/**
 * Pure: healthy while a cycle SUCCEEDED within `maxAgeMs` and fewer than `maxFailures` cycles in a
 * row failed. A loop that turns but fails every cycle (unreadable state, API down) is not healthy.
 */
export function healthOf(
  h: LoopHealth,
  now: number,
  maxAgeMs: number,
  maxFailures: number,
): { ok: boolean; body: Record<string, unknown> } {
  const ok = now - h.lastSuccessAt < maxAgeMs && h.consecutiveFailures < maxFailures;
  return {
    ok,
    body: {
      status: ok ? 'ok' : 'failing',
      consecutiveFailedCycles: h.consecutiveFailures,
      lastSuccessAgeMs: now - h.lastSuccessAt,
      ...(h.lastError ? { lastError: h.lastError.slice(0, 300) } : {}),
    },
  };
}

/** GET /metrics (Prometheus text) and GET /healthz (200 while cycles succeed, see healthOf). */
export async function startHttp(
  exporter: PrometheusExporter,
  port: number,
  health: () => { ok: boolean; body: Record<string, unknown> },
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') return exporter.getMetricsRequestHandler(req, res);
    if (req.url === '/healthz') {
      const { ok, body } = health();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(body));
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
