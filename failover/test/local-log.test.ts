import { describe, expect, it } from 'vitest';
import { banner } from '../local/local-banner.js';
import { clock, enabled, formatLogLine } from '../local/local-log.js';
import { cliEnvOf, demoPolicy } from '../local/local-settings.js';
import { readEnv } from '../src/env.js';
import { defaultPolicy } from '../src/policy.js';

describe('local log lines', () => {
  const at = new Date(2026, 11, 6, 9, 5, 7, 42);

  it('start with the local time and the level, then the replica and a readable decision', () => {
    expect(clock(at)).toBe('09:05:07.042');
    const decision = {
      mode: 'failing-over',
      step: 'record-mode',
      reasons: ['primary unreachable: 5/5 consecutive failed rounds', 'step record-mode started'],
      actions: ['emit-event', 'record-mode'],
      dryRun: false,
    };
    expect(formatLogLine(at, 'info', 'replica-a', 'decision', decision)).toBe(
      '09:05:07.042 INFO  replica-a decision (failing-over/record-mode): primary unreachable: 5/5 consecutive failed rounds; step record-mode started → emit-event, record-mode',
    );
    expect(
      formatLogLine(at, 'warn', 'replica-b', 'step failed', { step: 'scale-up', err: 'a b' }),
    ).toBe('09:05:07.042 WARN  replica-b step failed step=scale-up err="a b"');
  });

  it('levels follow pino: debug is hidden at info', () => {
    expect(enabled('debug', 'info')).toBe(false);
    expect(enabled('info', 'info')).toBe(true);
    expect(enabled('error', 'warn')).toBe(true);
    expect(enabled('info', 'debug')).toBe(true);
  });
});

describe('the npm run local banner', () => {
  const facts = {
    edgeUrl: 'http://127.0.0.1:4000',
    gaApiUrl: 'http://127.0.0.1:4001',
    primary: { url: 'http://127.0.0.1:4002', pid: 101 },
    standbyUrl: 'http://127.0.0.1:4003',
    kubeUrl: 'http://127.0.0.1:4004',
    pid: 100,
    policy: demoPolicy,
    probesPerRound: 3,
    cliEnvFile: 'failover/.local/cli-env.json',
  };

  it('prints the edge URL, the demo-speed waits and commands that run from the repository root', () => {
    const text = banner(facts, defaultPolicy).join('\n');
    expect(text).toContain('edge     http://127.0.0.1:4000/');
    expect(text).toContain(
      'failback waits: primary healthy 20 s, then cool-down 10 s (demo speed; production: 10 min / 5 min; FAILBACK_HEALTHY_MS / FAILBACK_COOLDOWN_MS set them)',
    );
    const commands = banner(facts, defaultPolicy)
      .filter((l) => l.startsWith('  '))
      .map((l) => l.split(' # ')[0]?.trim());
    expect(commands).toEqual([
      "curl -s -H 'accept: application/json' http://127.0.0.1:4000/",
      'npm run failover:local -- status',
      'kill -9 101',
      'kill -USR2 100',
      'npm run failover:local -- --dry-run failback',
      'npm run failover:local -- failback',
      'npm run failover:local -- failover --reason "trying it"',
    ]);
  });

  it('says so when the production waits are in use', () => {
    const text = banner({ ...facts, policy: defaultPolicy }, defaultPolicy).join('\n');
    expect(text).toContain('primary healthy 10 min, then cool-down 5 min (the production values)');
    const mixed = { ...demoPolicy, failbackHealthyMs: 900_000 };
    expect(banner({ ...facts, policy: mixed }, defaultPolicy).join('\n')).toContain(
      'primary healthy 15 min, then cool-down 10 s (production: 10 min / 5 min; FAILBACK_HEALTHY_MS',
    );
  });
});

describe('the CLI environment of the local setup', () => {
  const addresses = {
    primaryUrls: [
      'http://127.0.0.1:5001/readyz',
      'http://127.0.0.1:5001/readyz',
      'http://127.0.0.1:5001/healthz',
    ],
    referenceUrl: 'http://127.0.0.1:5002/readyz',
    capacityUrl: 'http://127.0.0.1:5003/readyz',
    gaApiUrl: 'http://127.0.0.1:5004',
    groups: {
      primary: 'arn:aws:globalaccelerator::1:p',
      standby: 'arn:aws:globalaccelerator::1:s',
    },
    kubeUrl: 'http://127.0.0.1:5005',
  };

  it('passes the CLI checks for the demo policy and for the drill test short rounds, with their failback waits', () => {
    expect(readEnv(cliEnvOf(addresses, demoPolicy))).toMatchObject({
      FAILBACK_HEALTHY_MS: 20_000,
      FAILBACK_COOLDOWN_MS: 10_000,
    });
    const short = { ...demoPolicy, intervalMs: 500, windowMs: 4000, failbackHealthyMs: 2000 };
    expect(readEnv(cliEnvOf(addresses, short))).toMatchObject({ FAILBACK_HEALTHY_MS: 2000 });
  });
});
