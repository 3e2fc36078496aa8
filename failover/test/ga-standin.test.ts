import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StandIn, startGaStandIn } from '../local/ga-standin.js';
import { GaAdapter } from '../src/ga.js';
import { twoRegionsForSuite } from './two-regions.js';

const apps = twoRegionsForSuite();
let ga: StandIn;

beforeAll(async () => {
  ga = await startGaStandIn(apps.primary.url, apps.standby.url);
});
afterAll(async () => {
  await ga?.close();
});

async function regions(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const res = await fetch(`${ga.proxyUrl}/`, { headers: { accept: 'application/json' } });
    out.push(((await res.json()) as { aws_region: string }).aws_region);
  }
  return out;
}

describe('GA stand-in with the real GA adapter', () => {
  it('routes by dial, and the adapter pins traffic to the standby', async () => {
    expect(new Set(await regions(10))).toEqual(new Set(['eu-central-1']));
    const adapter = new GaAdapter({
      client: new GlobalAcceleratorClient({
        region: 'us-west-2',
        endpoint: ga.apiUrl,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      groups: { primary: ga.groups.primary.arn, standby: ga.groups.standby.arn },
      callTimeoutMs: 2000,
      maxAttempts: 2,
      baseDelayMs: 10,
      sleep: async () => {},
      random: () => 0,
    });
    expect(await adapter.primaryHealthy()).toBe(true);
    await adapter.setDials([
      { group: 'standby', percent: 100 },
      { group: 'primary', percent: 0 },
    ]);
    expect(new Set(await regions(10))).toEqual(new Set(['eu-west-2']));
  });

  it('fails over on health even when the dial says primary', async () => {
    ga.groups.primary.dial = 100;
    ga.groups.standby.dial = 0;
    await apps.primary.stop();
    for (let i = 0; i < 50 && ga.groups.primary.healthy; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ga.groups.primary.healthy).toBe(false);
    expect(new Set(await regions(5))).toEqual(new Set(['eu-west-2']));
  });
});
