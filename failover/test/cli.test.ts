import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube } from '../local/fake-kube.js';
import { buildCli } from '../src/cli.js';
import { readEnv } from '../src/env.js';

let fake: Awaited<ReturnType<typeof startFakeKube>> | undefined;
afterEach(async () => {
  await fake?.close();
});

async function cli(args: string[]) {
  fake = await startFakeKube();
  const url = fake.url;
  const out: string[] = [];
  const env = () =>
    readEnv({
      PRIMARY_PROBE_URLS: 'http://127.0.0.1:1/readyz',
      REFERENCE_URL: 'http://127.0.0.1:1/readyz',
      GA_PRIMARY_ENDPOINT_GROUP_ARN: 'arn:p',
      GA_STANDBY_ENDPOINT_GROUP_ARN: 'arn:s',
      KUBE_API_SERVER: url,
      KUBE_TOKEN_FILE: '/nonexistent',
      KUBE_CA_FILE: '/nonexistent',
    });
  await buildCli(env, (l) => out.push(l)).parseAsync(['node', 'failover', ...args]);
  return { out: out.join('\n'), fake };
}

describe('failover CLI', () => {
  it('status prints standby when nothing was persisted', async () => {
    const { out } = await cli(['status']);
    expect(JSON.parse(out)).toMatchObject({ state: { mode: 'standby' }, request: null });
  });

  it('failover --dry-run prints the planned actions and writes nothing', async () => {
    const { out, fake } = await cli(['--dry-run', 'failover', '--reason', 'drill']);
    const parsed = JSON.parse(out) as { reasons: string[]; actions: { type: string }[] };
    expect(parsed.reasons[0]).toBe('manual failover: drill');
    expect(parsed.actions.map((a) => a.type)).toEqual(['emit-event', 'record-mode']);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
