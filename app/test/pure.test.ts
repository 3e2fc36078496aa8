import { describe, expect, it } from 'vitest';
import { errorCodeFrom } from '../src/answers.js';
import { parseDuration } from '../src/duration.js';
import { AppError } from '../src/errors.js';
import { decideFault } from '../src/fault.js';
import { prefersHtml } from '../src/negotiate.js';
import { rateLimited, tokenBucket } from '../src/rate-limit.js';
import { requestIdFrom } from '../src/request-id.js';
import { matchRoute, metricMethod } from '../src/routes.js';
import { listenFailure } from '../src/server.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['1s', 1000],
    ['0ms', 0],
    ['250', 250],
    ['10s', 10000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text, 10_000)).toBe(ms);
  });

  it.each(['', 'abc', '1m', '-5ms', '1.5s', '10001ms', '11s', '1e3', ' 5ms', '5 ms'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text, 10_000)).toBeUndefined();
    },
  );
});

describe('prefersHtml', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', true],
    ['application/json', false],
    ['*/*', false],
    ['application/json, text/html', false],
    ['text/html;q=0.5, application/json', false],
    ['application/json;q=0.5, text/html', true],
    ['text/html;q=0', false],
    ['TEXT/HTML', true],
    ['Text/Html;Q=0.5, application/json', false],
    ['APPLICATION/JSON;q=0.5, TEXT/HTML', true],
  ])('%j → %s', (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });

  it('defaults to JSON without an Accept header', () => {
    expect(prefersHtml(undefined)).toBe(false);
  });
});

describe('decideFault', () => {
  const sequence = (...values: number[]) => {
    let i = 0;
    return () => values[i++] ?? 0.99;
  };

  it('never fails or delays when faults are off, and draws nothing', () => {
    let draws = 0;
    const random = () => {
      draws++;
      return 0;
    };
    expect(decideFault({ errorRate: 0, latencyMs: 0, latencyRate: 1 }, random)).toEqual({
      fail: false,
      extraLatencyMs: 0,
    });
    expect(draws).toBe(0);
  });

  it('fails when the draw is below the error rate', () => {
    const config = { errorRate: 0.1, latencyMs: 0, latencyRate: 1 };
    expect(decideFault(config, sequence(0.05)).fail).toBe(true);
    expect(decideFault(config, sequence(0.1)).fail).toBe(false);
  });

  it('adds latency for the latency-rate fraction', () => {
    const config = { errorRate: 0, latencyMs: 300, latencyRate: 0.5 };
    expect(decideFault(config, sequence(0.4))).toEqual({ fail: false, extraLatencyMs: 300 });
    expect(decideFault(config, sequence(0.6))).toEqual({ fail: false, extraLatencyMs: 0 });
  });

  it('can fail and delay the same request', () => {
    const config = { errorRate: 1, latencyMs: 50, latencyRate: 1 };
    expect(decideFault(config, sequence(0.5, 0.5))).toEqual({ fail: true, extraLatencyMs: 50 });
  });
});

describe('matchRoute', () => {
  it('maps paths to templates', () => {
    expect(matchRoute('GET', '/')).toMatchObject({ kind: 'found', route: '/', faultable: true });
    expect(matchRoute('HEAD', '/healthz')).toMatchObject({ route: '/healthz', faultable: false });
    expect(matchRoute('GET', '/readyz')).toMatchObject({ route: '/readyz', faultable: false });
    expect(matchRoute('GET', '/metrics')).toMatchObject({ route: '/metrics', faultable: false });
    expect(matchRoute('GET', '/error')).toMatchObject({ route: '/error', faultable: false });
    expect(matchRoute('GET', '/delay/123ms')).toEqual({
      kind: 'found',
      route: '/delay/{duration}',
      param: '123ms',
      faultable: true,
    });
  });

  it('uses one fixed template for unknown paths', () => {
    for (const path of ['/nope', '/delay', '/delay/', '/delay/1s/x', '/healthz/', '//']) {
      expect(matchRoute('GET', path)).toEqual({ kind: 'not-found', route: 'unmatched' });
    }
  });

  it('answers 405 with Allow for other methods on known paths', () => {
    expect(matchRoute('POST', '/')).toEqual({
      kind: 'method-not-allowed',
      route: '/',
      allow: 'GET, HEAD',
    });
    expect(matchRoute('DELETE', '/nope').kind).toBe('not-found');
  });
});

describe('errorCodeFrom', () => {
  it('defaults to 500 and accepts any 5xx', () => {
    expect(errorCodeFrom('/error')).toBe(500);
    expect(errorCodeFrom('/error?other=1')).toBe(500);
    expect(errorCodeFrom('/error?code=503')).toBe(503);
    expect(errorCodeFrom('/error?code=599')).toBe(599);
  });

  it.each(['404', '600', 'abc', '5000', '', '503.0'])('rejects code=%j with a 400', (code) => {
    expect(() => errorCodeFrom(`/error?code=${code}`)).toThrow(AppError);
    try {
      errorCodeFrom(`/error?code=${code}`);
    } catch (error) {
      expect((error as AppError).status).toBe(400);
    }
  });
});

describe('requestIdFrom', () => {
  it('keeps a safe client id and replaces anything else', () => {
    expect(requestIdFrom('abc-123_x.y')).toBe('abc-123_x.y');
    const uuid = /^[0-9a-f-]{36}$/;
    expect(requestIdFrom(undefined)).toMatch(uuid);
    expect(requestIdFrom('')).toMatch(uuid);
    expect(requestIdFrom('a'.repeat(129))).toMatch(uuid);
    expect(requestIdFrom('bad id\r\n')).toMatch(uuid);
    expect(requestIdFrom('<script>')).toMatch(uuid);
  });
});

describe('metricMethod', () => {
  it('keeps the known methods and turns any other into _OTHER', () => {
    expect(['GET', 'HEAD', 'POST', 'PATCH', 'TRACE'].map(metricMethod)).toEqual([
      'GET',
      'HEAD',
      'POST',
      'PATCH',
      'TRACE',
    ]);
    expect(['PROPFIND', 'M-SEARCH', 'get', 'QUERY', ''].map(metricMethod)).toEqual(
      Array(5).fill('_OTHER'),
    );
  });
});

describe('rateLimited', () => {
  it('reports the first event at once, then at most once per interval with the count', () => {
    let clock = 0;
    const reports: [number, string][] = [];
    const report = rateLimited<string>(
      1000,
      (count, latest) => reports.push([count, latest]),
      () => clock,
    );
    report('a');
    clock = 10;
    report('b');
    clock = 999;
    report('c');
    expect(reports).toEqual([[1, 'a']]);
    clock = 1000;
    report('d');
    expect(reports).toEqual([
      [1, 'a'],
      [3, 'd'],
    ]);
  });
});

describe('listenFailure', () => {
  it('explains expected listen errors naming what to change', () => {
    expect(listenFailure('EADDRINUSE', '0.0.0.0', 8080)).toBe(
      '0.0.0.0:8080 is already in use (PORT)',
    );
    expect(listenFailure('ENOTFOUND', 'nope', 8080)).toContain('HOST=nope');
    expect(listenFailure('EADDRNOTAVAIL', '10.9.9.9', 8080)).toContain('HOST=10.9.9.9');
    expect(listenFailure('EACCES', '0.0.0.0', 80)).toContain('PORT');
    expect(listenFailure('EMFILE', '0.0.0.0', 8080)).toBeUndefined();
  });
});

describe('tokenBucket', () => {
  it('gives a burst at once, queues later callers behind it, and refuses past maxWaitMs', () => {
    let clock = 0;
    const turn = tokenBucket(10, 2, 250, () => clock);
    expect([turn(), turn()]).toEqual([0, 0]);
    expect([turn(), turn(), turn()]).toEqual([100, 200, undefined]);
    clock = 300; // the two reservations are used up, one token earned since
    expect(turn()).toBe(0);
    clock = 10_000; // never more than the burst
    expect([turn(), turn(), turn()]).toEqual([0, 0, 100]);
  });
});
