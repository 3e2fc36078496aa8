import { describe, expect, it } from 'vitest';
import { preStopDelayMs } from '../src/shutdown.js';
import { serviceUrl } from '../src/url.js';
import { startAppProcess } from './support/app-process.js';

describe('serviceUrl: the address npm start prints', () => {
  it('names a browsable host for wildcard binds and brackets IPv6 literals', () => {
    expect(serviceUrl('0.0.0.0', 8080)).toBe('http://localhost:8080/');
    expect(serviceUrl('::', 8080)).toBe('http://localhost:8080/');
    expect(serviceUrl('127.0.0.1', 3000)).toBe('http://127.0.0.1:3000/');
    expect(serviceUrl('::1', 3000)).toBe('http://[::1]:3000/');
    expect(serviceUrl('demo.internal', 80)).toBe('http://demo.internal:80/');
  });
});

describe('preStopDelayMs', () => {
  it('keeps the delay for SIGTERM (Kubernetes) and skips it for SIGINT (Ctrl-C)', () => {
    expect(preStopDelayMs('SIGTERM', 5000)).toBe(5000);
    expect(preStopDelayMs('SIGINT', 5000)).toBe(0);
  });
});

const msgs = (lines: string[]) =>
  lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

describe('a spawned service', () => {
  it('prints the URL it serves in its listening line', async () => {
    const app = await startAppProcess({ env: { ACCESS_LOG_LEVEL: 'silent' } });
    try {
      const listening = msgs(app.logs()).find((r) => r.msg === 'listening');
      expect(listening).toMatchObject({ level: 'info', url: `${app.url}/` });
    } finally {
      await app.stop('SIGTERM');
    }
  });

  it('on SIGINT (Ctrl-C) exits without waiting for the pre-stop delay', async () => {
    const app = await startAppProcess({
      env: { SHUTDOWN_DELAY_MS: '20000', ACCESS_LOG_LEVEL: 'silent' },
    });
    const signalled = Date.now();
    expect(await app.stop('SIGINT')).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5000);
    const first = msgs(app.logs()).find((r) => String(r.msg).startsWith('shutdown: '));
    expect(first).toMatchObject({ signal: 'SIGINT', delay_ms: 0 });
  });

  it('on SIGTERM still serves through the pre-stop delay', async () => {
    const app = await startAppProcess({
      env: { SHUTDOWN_DELAY_MS: '1500', ACCESS_LOG_LEVEL: 'silent' },
    });
    const signalled = Date.now();
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1500);
  });
});
