import { beforeAll, describe, expect, it } from 'vitest';
import { inProcessForSuite } from './support/in-process.js';

describe('/metrics after traffic', () => {
  const app = inProcessForSuite({ ACCESS_LOG_LEVEL: 'silent' });
  let text: string;
  beforeAll(async () => {
    for (const path of [
      '/',
      '/',
      '/delay/123ms',
      '/error?code=503',
      '/secret-path-xyz',
      '/healthz',
    ]) {
      await (await fetch(`${app.url}${path}`)).arrayBuffer();
    }
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    text = await response.text();
  });

  it('renders the request-duration histogram with the exact names Flagger queries', () => {
    expect(text).toContain('# TYPE http_server_request_duration histogram');
    expect(text).toContain(
      'http_server_request_duration_bucket{http_request_method="GET",http_response_status_code="200",http_route="/",le="0.1"} 2',
    );
    expect(text).toContain(
      'http_server_request_duration_count{http_request_method="GET",http_response_status_code="200",http_route="/"} 2',
    );
    expect(text).toMatch(
      /^http_server_request_duration_sum\{http_request_method="GET",http_response_status_code="200",http_route="\/"\} [0-9.e-]+$/m,
    );
    expect(text).not.toContain('_seconds');
  });

  it('uses every explicit bucket boundary', () => {
    const les = [
      ...text.matchAll(/http_server_request_duration_bucket\{[^}]*http_route="\/",le="([^"]+)"/g),
    ].map((m) => m[1]);
    expect(les).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.075',
      '0.1',
      '0.25',
      '0.5',
      '0.75',
      '1',
      '2.5',
      '5',
      '7.5',
      '10',
      '+Inf',
    ]);
  });

  it('labels routes by template and never by raw path', () => {
    expect(text).toContain(
      'http_server_request_duration_count{http_request_method="GET",http_response_status_code="200",http_route="/delay/{duration}"} 1',
    );
    expect(text).toContain(
      'http_server_request_duration_count{http_request_method="GET",http_response_status_code="503",http_route="/error"} 1',
    );
    expect(text).toContain(
      'http_server_request_duration_count{http_request_method="GET",http_response_status_code="404",http_route="unmatched"} 1',
    );
    expect(text).not.toContain('secret-path-xyz');
    expect(text).not.toContain('123ms');
  });

  it('exposes Node runtime gauges', () => {
    expect(text).toMatch(/^nodejs_eventloop_delay\{quantile="p99"\} /m);
    expect(text).toMatch(/^v8js_memory_heap_used /m);
    expect(text).toMatch(/^process_memory_usage /m);
  });
});

describe('/metrics rendering', () => {
  it('renders at most once per METRICS_CACHE_MS; concurrent scrapes share one rendering', async () => {
    const { createMetrics, METRICS_CACHE_MS } = await import('../src/metrics.js');
    let clock = 1_000_000;
    const metrics = await createMetrics(
      { version: 'v', pod: 'p', region: 'r' },
      undefined,
      {},
      () => clock,
    );
    metrics.recordRequest('GET', '/', 200, 0.01);
    const [a, b] = await Promise.all([metrics.render(), metrics.render()]);
    expect(a).toBe(b);
    metrics.recordRequest('GET', '/', 200, 0.01);
    clock += METRICS_CACHE_MS - 1;
    expect(await metrics.render()).toBe(a);
    clock += 1;
    const fresh = (await metrics.render()).toString();
    expect(fresh).toContain(
      'http_server_request_duration_count{http_request_method="GET",http_response_status_code="200",http_route="/"} 2',
    );
    await metrics.shutdown();
  });
});
