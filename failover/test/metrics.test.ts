import { describe, expect, it } from 'vitest';
import { createMetrics, startHttp } from '../src/metrics.js';

describe('metrics endpoint', () => {
  it('exposes mode, probe, transition and step metrics, and /healthz', async () => {
    const { metrics, exporter } = createMetrics();
    metrics.mode('failed-over');
    metrics.probes({ probes: [true, false, false], reference: true });
    metrics.transition('standby', 'failing-over');
    metrics.stepDuration('scale-up', 'ok', 0.2);
    const http = await startHttp(exporter, 0, () => true);
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
