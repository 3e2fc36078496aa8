import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnv, readEnv } from '../src/env.js';
import { contradictions, formatProblem } from '../src/settings.js';

const base = {
  PRIMARY_PROBE_URLS: 'https://a.example/readyz,https://b.example/readyz,https://c.example/healthz',
  REFERENCE_URL: 'https://standby.example/readyz',
  GA_PRIMARY_ENDPOINT_GROUP_ARN: 'arn:aws:globalaccelerator::1:accelerator/a/endpoint-group/p',
  GA_STANDBY_ENDPOINT_GROUP_ARN: 'arn:aws:globalaccelerator::1:accelerator/a/endpoint-group/s',
};
const names = (env: Record<string, string>) => contradictions(parseEnv(env)).map((p) => p.name);

describe('contradictions (settings that cannot all hold)', () => {
  it('finds none in the documented defaults', () => {
    expect(contradictions(parseEnv(base))).toEqual([]);
  });

  it('a quorum larger than the probe count: a round could never fail', () => {
    const [p] = contradictions(parseEnv({ ...base, PROBE_QUORUM: '4' }));
    expect(p).toMatchObject({ name: 'PROBE_QUORUM', value: 4 });
    expect(formatProblem(p as never)).toBe(
      'invalid PROBE_QUORUM="4": expected at most 3, the number of PRIMARY_PROBE_URLS (a round fails only when PROBE_QUORUM probes fail)',
    );
  });

  it('a quorum of half the probes or fewer: one round would count as failed and as healthy', () => {
    expect(names({ ...base, PROBE_QUORUM: '1' })).toEqual(['PROBE_QUORUM']);
    expect(names({ ...base, PROBE_QUORUM: '2' })).toEqual([]);
  });

  it('a probe timeout not below the interval', () => {
    expect(names({ ...base, PROBE_TIMEOUT_MS: '2000' })).toEqual(['PROBE_TIMEOUT_MS']);
    const slow = { PROBE_INTERVAL_MS: '10000', FAILURE_WINDOW_MS: '40000' };
    expect(names({ ...base, ...slow, PROBE_TIMEOUT_MS: '5000' })).toEqual([]);
  });

  it('failed rounds that cannot fit in the failure window: no failover could ever be detected', () => {
    expect(names({ ...base, FAILURE_WINDOW_MS: '7999' })).toEqual(['FAILURE_WINDOW_MS']);
    expect(names({ ...base, FAILURE_WINDOW_MS: '8000' })).toEqual([]);
  });

  it('Lease timings client-go would refuse: renew deadline ≥ Lease, retry period × 1.2 ≥ renew deadline', () => {
    expect(names({ ...base, LEASE_SECONDS: '10', RENEW_DEADLINE_SECONDS: '10' })).toEqual([
      'RENEW_DEADLINE_SECONDS',
    ]);
    expect(names({ ...base, RETRY_PERIOD_MS: '9000' })).toEqual(['RETRY_PERIOD_MS']);
  });

  it('a standby floor above the failed-over floor: failing over would lower capacity', () => {
    expect(names({ ...base, STANDBY_MIN_REPLICAS: '4' })).toEqual(['STANDBY_MIN_REPLICAS']);
  });

  it('one endpoint group for both regions', () => {
    const same = { ...base, GA_STANDBY_ENDPOINT_GROUP_ARN: base.GA_PRIMARY_ENDPOINT_GROUP_ARN };
    expect(names(same)).toEqual(['GA_STANDBY_ENDPOINT_GROUP_ARN']);
  });

  it('a reference check on the primary itself: it would fail with the primary, every round inconclusive', () => {
    expect(names({ ...base, REFERENCE_URL: 'https://b.example/other' })).toEqual(['REFERENCE_URL']);
  });

  it('witnesses allowed longer than the probes: they would delay the round they are asked in', () => {
    expect(names({ ...base, ADVISORY_TIMEOUT_MS: '1501' })).toEqual(['ADVISORY_TIMEOUT_MS']);
    expect(names({ ...base, ADVISORY_TIMEOUT_MS: '1500' })).toEqual([]);
  });

  it('call deadlines not below the round deadline', () => {
    expect(names({ ...base, ROUND_TIMEOUT_MS: '4000' })).toEqual([
      'KUBE_TIMEOUT_MS',
      'AWS_TIMEOUT_MS',
    ]);
  });
});

describe("readEnv refuses contradictions at start, in the app's style", () => {
  it('names the variable, the value and what was expected; every problem at once', () => {
    const run = () =>
      readEnv({ ...base, PROBE_QUORUM: '5', PROBE_TIMEOUT_MS: '2500', PROBE_INTERVAL_MS: '2000' });
    expect(run).toThrow(
      /invalid PROBE_QUORUM="5": expected at most 3, the number of PRIMARY_PROBE_URLS/,
    );
    expect(run).toThrow(
      /invalid PROBE_TIMEOUT_MS="2500": expected below PROBE_INTERVAL_MS \(2000\)/,
    );
  });

  it('refuses a probe URL that is not an http(s) URL, and timeouts of 0', () => {
    expect(() => readEnv({ ...base, PRIMARY_PROBE_URLS: 'https://a.example/readyz,nope' })).toThrow(
      /invalid PRIMARY_PROBE_URLS="https:\/\/a.example\/readyz,nope": expected comma-separated http\(s\) URLs/,
    );
    expect(() => readEnv({ ...base, PROBE_INTERVAL_MS: '0' })).toThrow(
      /invalid PROBE_INTERVAL_MS="0": expected an integer of milliseconds >= 1/,
    );
  });
});

describe('the shipped controller configuration', () => {
  it('deploy/apps/failover-controller/config.yaml starts: every value valid, no contradiction', () => {
    const file = new URL('../../deploy/apps/failover-controller/config.yaml', import.meta.url);
    const { data } = parse(readFileSync(file, 'utf8')) as { data: Record<string, string> };
    expect(contradictions(parseEnv(data))).toEqual([]);
    expect(() => readEnv(data)).not.toThrow();
  });
});
