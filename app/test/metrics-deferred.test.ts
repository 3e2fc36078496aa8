import { describe, expect, it } from 'vitest';
import type { Metrics } from '../src/metrics.js';
import { deferMetrics, MAX_PENDING } from '../src/metrics-deferred.js';

function fakeMetrics(): Metrics & { records: unknown[][] } {
  const records: unknown[][] = [];
  return {
    records,
    recordRequest: (...args) => {
      records.push(args);
    },
    render: async () => Buffer.from(`records ${records.length}`),
    shutdown: async () => {},
  };
}

describe('deferMetrics', () => {
  it('buffers measurements until the SDK is loaded, then replays them in order', async () => {
    const real = fakeMetrics();
    let release: (m: Metrics) => void = () => {};
    const deferred = deferMetrics(() => new Promise<Metrics>((resolve) => (release = resolve)));
    deferred.recordRequest('GET', '/', 200, 0.01);
    deferred.recordRequest('GET', 'unmatched', 404, 0.02);
    const rendered = deferred.render();
    expect(real.records).toEqual([]);
    release(real);
    await deferred.loaded;
    deferred.recordRequest('HEAD', '/', 200, 0.03);
    expect(real.records).toEqual([
      ['GET', '/', 200, 0.01],
      ['GET', 'unmatched', 404, 0.02],
      ['HEAD', '/', 200, 0.03],
    ]);
    expect((await rendered).toString()).toBe('records 2');
  });

  it('drops and counts measurements beyond the buffer bound', async () => {
    const deferred = deferMetrics(() => new Promise<Metrics>(() => {}));
    for (let i = 0; i < MAX_PENDING + 5; i++) deferred.recordRequest('GET', '/', 200, 0);
    expect(deferred.dropped()).toBe(5);
  });
});
