import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeKube } from '../local/fake-kube.js';
import { buildCli, main } from '../src/cli.js';
import { readEnv } from '../src/env.js';
import { FailoverError } from '../src/errors.js';

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
      PRIMARY_PROBE_URLS:
        'http://127.0.0.1:1/readyz,http://127.0.0.1:2/readyz,http://127.0.0.1:3/h',
      REFERENCE_URL: 'http://127.0.0.1:4/readyz',
      GA_PRIMARY_ENDPOINT_GROUP_ARN: 'arn:p',
      GA_STANDBY_ENDPOINT_GROUP_ARN: 'arn:s',
      KUBE_API_SERVER: url,
      KUBE_TOKEN_FILE: '/nonexistent',
      KUBE_CA_FILE: '/nonexistent',
    });
  const notes: string[] = [];
  await buildCli(
    env,
    (l) => out.push(l),
    (l) => notes.push(l),
  ).parseAsync(['node', 'failover', ...args]);
  return { out: out.join('\n'), notes, fake };
}

describe('failover CLI', () => {
  it('status prints standby when nothing was persisted', async () => {
    const { out, notes } = await cli(['status']);
    expect(JSON.parse(out)).toMatchObject({ state: { mode: 'standby' }, request: null });
    expect(notes).toEqual(['standby; primary not healthy in the last round']);
  });

  it('failover --dry-run prints the planned actions and writes nothing', async () => {
    const { out, fake } = await cli(['--dry-run', 'failover', '--reason', 'drill']);
    const parsed = JSON.parse(out) as { reasons: string[]; actions: { type: string }[] };
    expect(parsed.reasons[0]).toBe('manual failover: drill');
    expect(parsed.actions.map((a) => a.type)).toEqual(['emit-event', 'record-mode']);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('the edge exits 2 for a FailoverError CONFIG only, not for any error with a code property', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const failing = (error: Error) => () => {
        throw error;
      };
      const argv = ['node', 'failover', 'status'];
      expect(await main(argv, () => readEnv({}))).toBe(2);
      expect(await main(argv, failing(new FailoverError('CONFIG', 'bad')))).toBe(2);
      expect(await main(argv, failing(Object.assign(new Error('x'), { code: 'CONFIG' })))).toBe(1);
      expect(await main(argv, failing(new FailoverError('KUBE', 'down')))).toBe(1);
      expect(stderr).toHaveBeenCalledWith(
        expect.stringMatching(/^failover: invalid configuration/),
      );
    } finally {
      stderr.mockRestore();
    }
  });
});
