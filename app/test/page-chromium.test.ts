import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startAppProcess } from './support/app-process.js';

// The page in a real browser: Debian's `chromium`, headless, against a spawned service on
// 127.0.0.1. Fails, rather than skips, without chromium: .ci/run installs it (apt-get install -y chromium).
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Loads `url` headless, lets 7 s of page time pass, returns the DOM and what chromium logged. */
function dumpDom(url: string, profile: string): Promise<{ dom: string; log: string }> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    '--virtual-time-budget=7000',
    '--dump-dom',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM ?? 'chromium', args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null && stdout === '') reject(new Error(`chromium failed: ${stderr}`));
      else resolve({ dom: stdout, log: stderr });
    });
  });
}

describe('the page in headless chromium', () => {
  let app: AppProcess;
  const profile = mkdtempSync(join(tmpdir(), 'demo-app-chromium-'));
  beforeAll(async () => {
    if (CHROMIUM === undefined) {
      throw new Error(
        'chromium is not installed: apt-get install -y chromium (.ci/run installs it)',
      );
    }
    app = await startAppProcess({
      env: { AWS_REGION: 'eu-west-2', DR_ROLE: 'standby', ACCESS_LOG_LEVEL: 'silent' },
    });
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(profile, { recursive: true, force: true });
  });

  it('runs its script under its CSP: polls, colours by region and role, no CSP violation', async () => {
    const { dom, log } = await dumpDom(`${app.url}/`, profile);
    expect(log).not.toMatch(/Content Security Policy|Refused to/);
    expect(dom).toMatch(/<body class="region-\d role-standby" data-live="polling">/);
    const cells = dom.match(/<li class="region-\d role-standby" title="eu-west-2 standby /g) ?? [];
    expect(cells.length).toBeGreaterThanOrEqual(2);
    expect(dom).toMatch(/id="tally">\d+ answers: eu-west-2 standby 100%</);
  });
});
