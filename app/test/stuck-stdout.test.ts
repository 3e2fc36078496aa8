import { describe, expect, it } from 'vitest';
import { startAppProcess } from './support/app-process.js';
import { hammer, sleep, timedRequest } from './support/load.js';

// A real pipe on the service's stdout that nobody reads: the test stops reading the child's
// stdout (paused stream: Node reads up to its high-water mark, then the kernel buffer fills).
describe('stdout that nobody reads', () => {
  it('keeps serving, drops and counts log lines, and reports them once the reader is back', async () => {
    const app = await startAppProcess({ env: { LOG_LEVEL: 'info' } });
    try {
      const out = app.child.stdout;
      if (out === null) throw new Error('no stdout pipe');
      out.pause();
      // ~250 bytes of access line per request: 6000 requests fill any pipe many times over.
      const counts = await hammer(`${app.url}/`, 6000, 16, 1000, 20_000);
      expect(counts.get(200)).toBe(6000);
      const probes = [];
      for (let i = 0; i < 20; i++) probes.push(await timedRequest(`${app.url}/healthz`));
      expect(probes.map((p) => p.status)).toEqual(Array(20).fill(200));
      // Blocked, the old code never answered; 1 s leaves room for a loaded test machine.
      expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(1000);
      const metrics = await timedRequest(`${app.url}/metrics`);
      const dropped = /^log_lines_dropped_total(?:\{[^}]*\})? (\d+)/m.exec(metrics.body);
      expect(Number(dropped?.[1])).toBeGreaterThan(0);

      out.resume();
      let warning: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && warning === undefined; i++) {
        await sleep(50);
        const line = app.logs().find((l) => l.includes('"log lines dropped'));
        if (line !== undefined) warning = JSON.parse(line) as Record<string, unknown>;
      }
      expect(warning).toMatchObject({ level: 'warn', service: 'demo-app' });
      expect(Number(warning?.dropped)).toBeGreaterThan(0);
      expect(await app.stop('SIGTERM')).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
    }
  }, 60_000);
});
