import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { AppError } from '../src/errors.js';

const defaults = { version: '1.2.3', hostname: 'host-a' };

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseConfig({}, defaults)).toEqual({
      port: 8080,
      host: '0.0.0.0',
      awsRegion: 'local',
      image: 'dev',
      version: '1.2.3',
      commit: 'unknown',
      pod: 'host-a',
      regionRole: 'primary',
      track: 'stable',
      logLevel: 'info',
      accessLogLevel: 'info',
      faultErrorRate: 0,
      faultLatencyMs: 0,
      faultLatencyRate: 1,
      shutdownDelayMs: 5000,
      shutdownTimeoutMs: 10000,
      maxDelayMs: 10000,
      maxConnections: 1024,
      otlpEndpoint: undefined,
      otlpIntervalMs: 15000,
    });
  });

  it('exports the defaults it applies, for other workspaces as @demo-app/app/config', async () => {
    const { ENV_DEFAULTS } = await import('@demo-app/app/config');
    const spelledOut = Object.fromEntries(
      Object.entries(ENV_DEFAULTS).map(([name, value]) => [name, String(value)]),
    );
    expect(parseConfig(spelledOut, defaults)).toEqual(parseConfig({}, defaults));
    expect(ENV_DEFAULTS.SHUTDOWN_DELAY_MS).toBe(parseConfig({}, defaults).shutdownDelayMs);
    expect(ENV_DEFAULTS.SHUTDOWN_TIMEOUT_MS).toBe(parseConfig({}, defaults).shutdownTimeoutMs);
  });

  it('reads every variable', () => {
    const config = parseConfig(
      {
        PORT: '9000',
        HOST: '127.0.0.1',
        AWS_REGION: 'eu-central-1',
        IMAGE_NAME: 'repo/demo@sha256:abc',
        APP_VERSION: '2.0.0',
        GIT_COMMIT: 'deadbeef',
        POD_NAME: 'demo-app-7d9c-x1',
        LOG_LEVEL: 'debug',
        ACCESS_LOG_LEVEL: 'silent',
        FAULT_ERROR_RATE: '0.25',
        FAULT_LATENCY_MS: '300',
        FAULT_LATENCY_RATE: '.5',
        SHUTDOWN_DELAY_MS: '300',
        SHUTDOWN_TIMEOUT_MS: '2000',
        MAX_DELAY_MS: '500',
        MAX_CONNECTIONS: '50',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
      defaults,
    );
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      awsRegion: 'eu-central-1',
      image: 'repo/demo@sha256:abc',
      version: '2.0.0',
      commit: 'deadbeef',
      pod: 'demo-app-7d9c-x1',
      logLevel: 'debug',
      accessLogLevel: 'silent',
      faultErrorRate: 0.25,
      faultLatencyMs: 300,
      faultLatencyRate: 0.5,
      shutdownDelayMs: 300,
      shutdownTimeoutMs: 2000,
      maxDelayMs: 500,
      maxConnections: 50,
      otlpEndpoint: 'http://collector:4318',
      otlpIntervalMs: 1000,
    });
  });

  it('reads the region role (DR_ROLE) and the canary track from the pod app label', () => {
    expect(parseConfig({ DR_ROLE: 'standby' }, defaults).regionRole).toBe('standby');
    const track = (label: string) => parseConfig({ POD_APP_LABEL: label }, defaults).track;
    // Flagger: the stable copy's pods carry app=<name>-primary, the canary's keep app=<name>.
    expect(track('demo-app-primary')).toBe('stable');
    expect(track('demo-app')).toBe('canary');
    expect(parseConfig({ POD_APP_LABEL: '' }, defaults).track).toBe('stable');
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ PORT: '', AWS_REGION: '' }, defaults)).toMatchObject({
      port: 8080,
      awsRegion: 'local',
    });
  });

  it.each([
    ['PORT', 'abc', 'integer port'],
    ['PORT', '70000', 'integer port'],
    ['PORT', '-1', 'integer port'],
    ['FAULT_ERROR_RATE', '2', 'between 0 and 1'],
    ['FAULT_ERROR_RATE', 'NaN', 'between 0 and 1'],
    ['FAULT_LATENCY_RATE', '1.01', 'between 0 and 1'],
    ['FAULT_LATENCY_MS', '1.5', 'milliseconds'],
    ['SHUTDOWN_DELAY_MS', '5s', 'milliseconds'],
    ['LOG_LEVEL', 'verbose', 'one of fatal'],
    ['ACCESS_LOG_LEVEL', 'loud', 'one of fatal'],
    ['MAX_CONNECTIONS', '0', 'connections >= 1'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'http:// or https:// URL'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url', 'http:// or https:// URL'],
    ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'ftp://collector/v1/metrics', 'http:// or https://'],
    ['OTEL_METRIC_EXPORT_INTERVAL', '10', 'milliseconds 100-3600000'],
    ['DR_ROLE', 'active', 'one of primary, standby'],
    ['POD_APP_LABEL', 'demo app', 'label value'],
  ])('rejects %s=%s naming the variable', (name, value, expected) => {
    let caught: unknown;
    try {
      parseConfig({ [name]: value }, defaults);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.variable).toBe(name);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`${name}="${value}"`);
    expect(error.message).toContain(expected);
  });

  it('prefers the metrics-specific OTLP endpoint', () => {
    const config = parseConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:4318/v1/metrics',
      },
      defaults,
    );
    expect(config.otlpEndpoint).toBe('http://b:4318/v1/metrics');
  });
});
