import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv, readLocalEnv } from '../src/env.js';
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
      /invalid REFERENCE_URL="nope": expected an http\(s\) URL: the prober's own connectivity check/,
    );
  });

  it('requires the renew deadline below the Lease duration (fencing), and reads Route 53 ids', () => {
    expect(() => readEnv({ ...base, LEASE_SECONDS: '10', RENEW_DEADLINE_SECONDS: '10' })).toThrow(
      /invalid RENEW_DEADLINE_SECONDS="10": expected below LEASE_SECONDS \(10\)/,
    );
    const env = readEnv({ ...base, ROUTE53_HEALTH_CHECK_IDS: 'a-1, b-2' });
    expect(env).toMatchObject({
      LEASE_SECONDS: 15,
      RENEW_DEADLINE_SECONDS: 10,
      ROUTE53_HEALTH_CHECK_IDS: ['a-1', 'b-2'],
    });
  });
});

describe('readLocalEnv (`failover --local`)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failover-local-'));
  const file = join(dir, 'cli-env.json');

  it('says how to start the local environment when its file is absent', () => {
    expect(() => readLocalEnv(join(dir, 'absent.json'))).toThrow(
      /no local environment is running .*start it with `npm run local` from the repository root/,
    );
  });

  it('refuses the file of a local environment that is no longer running', () => {
    // pid 2^22 + 1 is above Linux's pid_max limit: no such process
    writeFileSync(file, JSON.stringify({ pid: 4194305, env: base }));
    expect(() => readLocalEnv(file)).toThrow(/\(pid 4194305\) is not running any more/);
  });

  it('reads the settings of a running one, validated like the process environment', () => {
    writeFileSync(file, JSON.stringify({ pid: process.pid, env: { ...base, PROBE_QUORUM: '2' } }));
    expect(readLocalEnv(file)).toMatchObject({ PROBE_QUORUM: 2 });
    writeFileSync(file, JSON.stringify({ pid: process.pid, env: { ...base, PROBE_QUORUM: '9' } }));
    expect(() => readLocalEnv(file)).toThrow(/invalid PROBE_QUORUM="9"/);
  });
});
