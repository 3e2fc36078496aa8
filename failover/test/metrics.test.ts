import { describe, expect, it } from 'vitest';
import { createMetrics, healthOf, startHttp } from '../src/metrics.js';

describe('metrics endpoint', () => {
  it('exposes mode, probe, transition and step metrics, and /healthz', async () => {
    const { metrics, exporter } = createMetrics();
    metrics.mode('failed-over');
    metrics.probes({ probes: [true, false, false], reference: true });
    metrics.transition('standby', 'failing-over');
    metrics.stepDuration('scale-up', 'ok', 0.2);
    const http = await startHttp(exporter, 0, () => ({ ok: true, body: { status: 'ok' } }));
    try {
      const text = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
      expect(text).toContain(
        'failover_mode{mode="failed-over",otel_scope_name="failover-controller"} 1',
      );
      expect(text).toContain(
        'failover_mode{mode="standby",otel_scope_name="failover-controller"} 0',
      );
      expect(text).toContain(
        'failover_probe_results_total{kind="primary",result="fail",otel_scope_name="failover-controller"} 2',
      );
      expect(text).toContain(
        'failover_transitions_total{from="standby",to="failing-over",otel_scope_name="failover-controller"} 1',
      );
      expect(text).toMatch(
        /failover_step_duration_count\{step="scale-up",outcome="ok",otel_scope_name="failover-controller"\} 1/,
      );
      expect((await fetch(`http://127.0.0.1:${http.port}/healthz`)).status).toBe(200);
    } finally {
      await http.close();
    }
  });
});

describe('healthOf (issue #14: /healthz reflects failed cycles)', () => {
  const h = (consecutiveFailures: number, lastSuccessAt = 0) => ({
    lastSuccessAt,
    consecutiveFailures,
    lastError: consecutiveFailures > 0 ? 'KUBE: state unreadable' : null,
  });
  it('is unhealthy after repeated failed cycles even though the loop keeps turning', () => {
    expect(healthOf(h(0), 1000, 30_000, 5).ok).toBe(true);
    expect(healthOf(h(4), 1000, 30_000, 5).ok).toBe(true);
    const failing = healthOf(h(5), 1000, 30_000, 5);
    expect(failing.ok).toBe(false);
    expect(failing.body).toMatchObject({ status: 'failing', consecutiveFailedCycles: 5 });
  });
  it('is unhealthy when no cycle succeeded for too long (a stalled loop)', () => {
    expect(healthOf(h(0, 0), 31_000, 30_000, 5).ok).toBe(false);
  });
});
