import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from './support/app-process.js';
import { dumpDom } from './support/chromium.js';

// The page in a real browser: Debian's `chromium`, headless, against a spawned service on
// 127.0.0.1. Fails, rather than skips, without chromium (the runner says how to install it).

describe('the page in headless chromium', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await startAppProcess({
      env: { AWS_REGION: 'eu-west-2', DR_ROLE: 'standby', ACCESS_LOG_LEVEL: 'silent' },
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('runs its script under its CSP: polls, colours by region and role, no CSP violation', async () => {
    // 7 s of page time pass, so the page polls a few times
    const { dom, log } = await dumpDom(new URL(`${app.url}/`), {
      timeoutMs: 60_000,
      args: ['--virtual-time-budget=7000'],
    });
    expect(log).not.toMatch(/Content Security Policy|Refused to/);
    expect(dom).toMatch(/<body class="region-\d role-standby" data-live="polling">/);
    const cells = dom.match(/<li class="region-\d role-standby" title="eu-west-2 standby /g) ?? [];
    expect(cells.length).toBeGreaterThanOrEqual(2);
    expect(dom).toMatch(/id="tally">\d+ answers: eu-west-2 standby 100%</);
  });
});
