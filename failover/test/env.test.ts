import { describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.js';
import { FailoverError } from '../src/errors.js';

const base = {
  PRIMARY_PROBE_URLS: 'https://a.example/readyz, https://b.example/readyz,https://c.example/readyz',
  REFERENCE_URL: 'https://standby.example/readyz',
  GA_PRIMARY_ENDPOINT_GROUP_ARN:
    'arn:aws:globalaccelerator::1:accelerator/a/listener/l/endpoint-group/p',
  GA_STANDBY_ENDPOINT_GROUP_ARN:
    'arn:aws:globalaccelerator::1:accelerator/a/listener/l/endpoint-group/s',
};

describe('readEnv', () => {
  it('applies the documented defaults', () => {
    const env = readEnv(base);
    expect(env.PRIMARY_PROBE_URLS).toHaveLength(3);
    expect(env).toMatchObject({
      PROBE_INTERVAL_MS: 2000,
      PROBE_QUORUM: 3,
      FAILED_ROUNDS: 5,
      FAILURE_WINDOW_MS: 15000,
      GA_API_REGION: 'us-west-2',
    });
  });

  it('names the variable and what was expected', () => {
    expect(() => readEnv({ ...base, REFERENCE_URL: 'nope' })).toThrow(FailoverError);
    expect(() => readEnv({ ...base, REFERENCE_URL: 'nope' })).toThrow(
      /REFERENCE_URL: .*expected the prober's own connectivity check/,
    );
  });

  it('requires the renew deadline below the Lease duration (fencing), and reads Route 53 ids', () => {
    expect(() => readEnv({ ...base, LEASE_SECONDS: '10', RENEW_DEADLINE_SECONDS: '10' })).toThrow(
      /RENEW_DEADLINE_SECONDS: must be below LEASE_SECONDS \(10\)/,
    );
    const env = readEnv({ ...base, ROUTE53_HEALTH_CHECK_IDS: 'a-1, b-2' });
    expect(env).toMatchObject({
      LEASE_SECONDS: 15,
      RENEW_DEADLINE_SECONDS: 10,
      ROUTE53_HEALTH_CHECK_IDS: ['a-1', 'b-2'],
    });
  });
});
