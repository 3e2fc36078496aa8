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
