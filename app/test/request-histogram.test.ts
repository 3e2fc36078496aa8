import { describe, expect, it } from 'vitest';
import { RequestHistogram } from '../src/request-histogram.js';

describe('request histogram', () => {
  it('counts into (previous, boundary] buckets, with an overflow bucket, per series', () => {
    const h = new RequestHistogram([0.1, 1]);
    for (const seconds of [0.05, 0.1, 0.5, 1, 3]) h.record('GET', '/', 200, seconds);
    h.record('GET', '/', 503, 0.2);
    h.record('GET', '/', 200, Number.NaN);
    expect(h.snapshot()).toEqual([
      {
        attributes: {
          'http.request.method': 'GET',
          'http.response.status_code': 200,
          'http.route': '/',
        },
        counts: [2, 2, 1],
        sum: 4.65,
        count: 5,
        min: 0.05,
        max: 3,
      },
      {
        attributes: {
          'http.request.method': 'GET',
          'http.response.status_code': 503,
          'http.route': '/',
        },
        counts: [0, 1, 0],
        sum: 0.2,
        count: 1,
        min: 0.2,
        max: 0.2,
      },
    ]);
  });

  it('keeps the label order method, status code, route', () => {
    const h = new RequestHistogram([1]);
    h.record('HEAD', '/healthz', 200, 0.001);
    expect(Object.keys(h.snapshot()[0]?.attributes ?? {})).toEqual([
      'http.request.method',
      'http.response.status_code',
      'http.route',
    ]);
  });

  it('hands out snapshots that later records do not change', () => {
    const h = new RequestHistogram([1]);
    h.record('GET', '/', 200, 0.5);
    const before = h.snapshot();
    h.record('GET', '/', 200, 0.5);
    expect(before[0]).toMatchObject({ counts: [1, 0], count: 1 });
    expect(h.snapshot()[0]).toMatchObject({ counts: [2, 0], count: 2 });
  });
});

describe('request histogram bounds', () => {
  it('records new attribute sets past maxSeries into one overflow series', () => {
    const h = new RequestHistogram([1], 2);
    h.record('GET', '/', 200, 0.5);
    h.record('GET', '/', 500, 0.5);
    h.record('GET', '/', 501, 0.5);
    h.record('HEAD', '/', 502, 2);
    h.record('GET', '/', 200, 0.5); // an existing series still counts as itself
    expect(h.snapshot().map((s) => [s.attributes, s.count])).toEqual([
      [{ 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/' }, 2],
      [{ 'http.request.method': 'GET', 'http.response.status_code': 500, 'http.route': '/' }, 1],
      [{ 'otel.metric.overflow': 'true' }, 2],
    ]);
  });
});
