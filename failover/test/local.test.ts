/**
 * `npm run local` for people (issue #19): the CLI reaches the local environment through the file
 * it writes (`failover --local`), with the demo-speed failback waits, and the logs are readable.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultLease, demoPolicy, type LocalEnv, startLocalEnv } from '../local/local-env.js';
import { main } from '../src/cli.js';
import { readLocalEnv } from '../src/env.js';

const lines: string[] = [];
let env: LocalEnv;
const file = join(mkdtempSync(join(tmpdir(), 'failover-local-')), 'cli-env.json');

beforeAll(async () => {
  env = await startLocalEnv((l) => lines.push(l), demoPolicy, defaultLease);
  writeFileSync(file, JSON.stringify({ pid: process.pid, env: env.cliEnv }));
}, 30_000);
afterAll(async () => {
  await env?.stop();
}, 30_000);

/** The CLI edge as `node failover/dist/main.js --local …` runs it, reading `file`. */
async function cli(args: string[]) {
  const out: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const sources: boolean[] = [];
  try {
    const code = await main(['node', 'failover', '--local', ...args], (local) => {
      sources.push(local);
      return readLocalEnv(file);
    });
    return { code, json: JSON.parse(out.join('')) as Record<string, unknown>, sources };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('npm run local', () => {
  it('answers `failover --local status` and `--dry-run failback` from the environment it writes', async () => {
    const status = await cli(['status']);
    expect(status.sources).toEqual([true]);
    expect(status).toMatchObject({ code: 0, json: { state: { mode: 'standby' } } });
    const dry = await cli(['--dry-run', 'failback']);
    expect(dry).toMatchObject({ code: 3, json: { outcome: 'refused', mode: 'standby' } });
    expect(env.cliEnv).toMatchObject({
      FAILBACK_HEALTHY_MS: '20000',
      FAILBACK_COOLDOWN_MS: '10000',
    });
  }, 20_000);

  it('logs readable, timestamped lines, and no healthy round at the default level', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3 * demoPolicy.intervalMs));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN |ERROR) replica-[ab] /);
    expect(
      lines.some((l) => / INFO {2}replica-[ab] decision \(standby\): resumed in standby$/.test(l)),
    ).toBe(true);
    expect(lines.filter((l) => l.includes('round healthy'))).toEqual([]);
  }, 20_000);
});
