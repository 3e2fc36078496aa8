import { freePort } from '@demo-app/app/testing';
import { describe, expect, it } from 'vitest';
import { probeRound } from '../src/prober.js';
import { twoRegionsForSuite } from './two-regions.js';

const apps = twoRegionsForSuite();

describe('probeRound against real app processes', () => {
  it('sees a healthy primary and a working reference', async () => {
    const { primary, standby } = apps;
    const round = await probeRound({
      targets: [`${primary.url}/readyz`, `${primary.url}/readyz`, `${primary.url}/healthz`],
      reference: `${standby.url}/readyz`,
      timeoutMs: 2000,
    });
    expect(round).toEqual({ probes: [true, true, true], reference: true });
  });

  it('counts a 5xx and a refused connection as failed probes', async () => {
    const { primary } = apps;
    const closed = await freePort();
    const round = await probeRound({
      targets: [`${primary.url}/error?code=503`, `http://127.0.0.1:${closed}/readyz`],
      reference: `http://127.0.0.1:${closed}/readyz`,
      timeoutMs: 2000,
    });
    expect(round).toEqual({ probes: [false, false], reference: false });
  });

  it('fails every probe once the primary process is gone', async () => {
    const { primary, standby } = apps;
    await primary.stop();
    const round = await probeRound({
      targets: [`${primary.url}/readyz`, `${primary.url}/readyz`, `${primary.url}/readyz`],
      reference: `${standby.url}/readyz`,
      timeoutMs: 2000,
    });
    expect(round).toEqual({ probes: [false, false, false], reference: true });
  });
});
