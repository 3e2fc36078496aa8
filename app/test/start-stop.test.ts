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

  /** Starts the service with a pre-stop delay, sends `signal`: its exit code, logs, time taken. */
  async function stopWith(signal: NodeJS.Signals, delayMs: number) {
    const app = await startAppProcess({
      env: { SHUTDOWN_DELAY_MS: String(delayMs), ACCESS_LOG_LEVEL: 'silent' },
    });
    const signalled = Date.now();
    const code = await app.stop(signal);
    return { code, tookMs: Date.now() - signalled, logs: msgs(app.logs()) };
  }

  it('on SIGINT (Ctrl-C) exits without waiting for the pre-stop delay', async () => {
    const { code, tookMs, logs } = await stopWith('SIGINT', 20_000);
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(5000);
    const first = logs.find((r) => String(r.msg).startsWith('shutdown: '));
    expect(first).toMatchObject({ signal: 'SIGINT', delay_ms: 0 });
  });

  it('on SIGTERM still serves through the pre-stop delay', async () => {
    const { code, tookMs } = await stopWith('SIGTERM', 1500);
    expect(code).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(1500);
  });
});
