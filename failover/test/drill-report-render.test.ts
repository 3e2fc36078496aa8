/**
 * The drill's HTML report in a real browser: headless Chromium (Debian `chromium`, installed by
 * .ci/run) loads the file and must show the SVG timeline with no console message at all — the
 * page has no script, so any message is a CSP violation, a failed load or a parse error. Missing
 * Chromium fails the test with the install command; it never skips.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpDom } from '@demo-app/app/testing/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../local/drill-summary.js';
import { drillSummary } from '../local/report/html.js';
import { buildTimeline } from '../local/report/timeline.js';
import { writeDrillReport } from '../local/report/write.js';
import { observed, phases, t0 } from './drill-fixture.js';

let dir = '';
let html = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drill-report-'));
  const timeline = buildTimeline(observed, { startedAt: t0, phases });
  const files = await writeDrillReport(
    dir,
    drillSummary(summarize(observed), timeline, 'drill: x'),
  );
  html = files.html;
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the drill report in headless Chromium', () => {
  it('renders the timeline, markers and goals with no console message', async () => {
    const page = await dumpDom(html, { timeoutMs: 30_000 });
    expect(page.exitCode).toBe(0);
    expect(page.console).toEqual([]);
    const svgs = page.dom.split('<svg').slice(1);
    expect(svgs.map((svg) => /^[^>]*id="([^"]+)"/.exec(svg)?.[1])).toEqual([
      'timeline',
      'failover',
    ]);
    for (const svg of svgs) {
      expect(svg.match(/<polyline class="series"/g)).toHaveLength(2);
      expect(svg.match(/<g class="marker"/g)).toHaveLength(7);
      expect(svg.match(/<g class="goal"/g)).toHaveLength(2);
    }
    expect(page.dom).toContain('id="goals"');
  }, 60_000);

  it('reports what the page tried to load from outside (the check can fail)', async () => {
    const bad = join(dir, 'external.html');
    const page = await readFile(html, 'utf8');
    await writeFile(bad, page.replace('</body>', '<img src="http://127.0.0.1:9/x.png"></body>'));
    const run = await dumpDom(bad);
    expect(run.console.join('\n')).toMatch(/Content Security Policy/);
  }, 60_000);

  it('is bounded in time: a run past its deadline is killed and reported', async () => {
    await expect(dumpDom(html, { timeoutMs: 1 })).rejects.toThrow(/did not finish within 1 ms/);
  });

  it('fails with the install command when chromium is not installed', async () => {
    await expect(dumpDom(html, { bin: 'chromium-not-installed-here' })).rejects.toThrow(
      /chromium-not-installed-here not found: .*apt-get install -y chromium/,
    );
  });
});
