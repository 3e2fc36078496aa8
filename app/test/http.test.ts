import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { asBrowser, inProcessForSuite, startInProcess } from './support/in-process.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with full control over method, headers and body (fetch hides some of these). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes raw bytes on a fresh connection and resolves with the status line received. */
function statusLineOf(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
    socket.end(payload);
  });
}

describe('HTTP API', () => {
  const app = inProcessForSuite({
    AWS_REGION: 'eu-central-1',
    IMAGE_NAME: 'demo-app:abc',
    GIT_COMMIT: 'c0ffee',
    MAX_DELAY_MS: '1000',
  });

  it('GET / answers JSON with region, image, version, commit and pod by default', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('vary')).toBe('Accept');
    expect(await response.json()).toMatchObject({
      aws_region: 'eu-central-1',
      image: 'demo-app:abc',
      version: '9.9.9',
      commit: 'c0ffee',
      pod: 'test-pod',
    });
  });

  it('GET / answers HTML to browsers, with a CSP', async () => {
    const response = await fetch(`${app.url}/`, asBrowser);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('eu-central-1');
    expect(html).toContain('demo-app:abc');
  });

  it('sets security headers and echoes or generates the request id', async () => {
    const given = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'abc-1' } });
    expect(given.headers.get('x-request-id')).toBe('abc-1');
    expect(given.headers.get('x-content-type-options')).toBe('nosniff');
    expect(given.headers.get('x-frame-options')).toBe('DENY');
    expect(given.headers.get('referrer-policy')).toBe('no-referrer');
    const generated = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'a b' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('HEAD is allowed where GET is, without a body', async () => {
    const response = await raw(`${app.url}/`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers['content-length'])).toBeGreaterThan(0);
    expect(response.body).toBe('');
  });

  it('probes answer 200 while ready', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('/error answers 500, any requested 5xx, and 400 for a bad code', async () => {
    const plain = await fetch(`${app.url}/error`);
    expect(plain.status).toBe(500);
    expect(await plain.json()).toEqual({
      error: { code: 'REQUESTED_ERROR', message: 'error requested with status 500' },
    });
    expect((await fetch(`${app.url}/error?code=503`)).status).toBe(503);
    expect((await fetch(`${app.url}/error?code=599`)).status).toBe(599);
    for (const code of ['404', '600', 'x']) {
      const bad = await fetch(`${app.url}/error?code=${code}`);
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toContain('500 and 599');
    }
  });

  it('/delay waits the given duration and rejects bad or too long ones', async () => {
    const response = await fetch(`${app.url}/delay/20ms`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ delay_ms: 20 });
    for (const bad of ['abc', '2s', '1001ms']) {
      const rejected = await fetch(`${app.url}/delay/${bad}`);
      expect(rejected.status).toBe(400);
      const body = (await rejected.json()) as { error: { message: string } };
      expect(body.error.message).toContain('at most 1000ms');
    }
  });

  it('unknown paths answer 404 JSON; wrong methods 405 with Allow', async () => {
    const missing = await fetch(`${app.url}/does/not/exist`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such route' },
    });
    const wrong = await raw(`${app.url}/healthz`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(wrong.body)).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('refuses request bodies above the limit with 413', async () => {
    const body = 'x'.repeat(5000);
    const response = await raw(`${app.url}/`, {
      headers: { 'content-length': String(body.length) },
      body,
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('refuses oversized headers with 431', async () => {
    const payload = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`;
    expect(await statusLineOf(app.service.port, payload)).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('writes one access line per request with route, path, status and request id', async () => {
    await fetch(`${app.url}/delay/1ms`, { headers: { 'x-request-id': 'access-test' } });
    const lines = app.logs().filter((line) => line.request_id === 'access-test');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/delay/{duration}',
      path: '/delay/1ms',
      status: 200,
    });
    expect(typeof lines[0]?.duration_ms).toBe('number');
  });
});

describe('fault injection', () => {
  // The injected random always draws 0: every ordinary request fails and is delayed.
  const app = inProcessForSuite(
    { FAULT_ERROR_RATE: '0.5', FAULT_LATENCY_MS: '30', ACCESS_LOG_LEVEL: 'silent' },
    () => 0,
  );

  it('fails ordinary requests with a JSON 500', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: 'FAULT_INJECTED', message: 'injected fault' },
    });
    expect((await fetch(`${app.url}/delay/1ms`)).status).toBe(500);
  });

  it('never touches probes, /metrics or /error', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${app.url}/error?code=502`)).status).toBe(502);
  });

  it('silent access level writes no access lines', () => {
    expect(app.logs().filter((line) => line.msg === 'request')).toEqual([]);
  });
});

describe('fault injection with a high draw', () => {
  it('serves normally when the draw is above the rates', async () => {
    const app = await startInProcess(
      { FAULT_ERROR_RATE: '0.5', FAULT_LATENCY_MS: '5000', FAULT_LATENCY_RATE: '0.5' },
      () => 0.9,
    );
    try {
      expect((await fetch(`${app.url}/`)).status).toBe(200);
    } finally {
      await app.service.shutdown('test');
    }
  });
});
