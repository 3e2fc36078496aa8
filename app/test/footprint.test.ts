import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppProcess, MAIN_JS, startAppProcess } from './support/app-process.js';

// Resident memory after start (issue #15: RSS <= 64 MiB once ready). On Node 24 two things in
// the bundle cost 9 MiB (docs/benchmark.md, "Resident memory on Node 24"): an ESM `import` of a
// built-in runs its lazy getters (`node:http` loads undici), and one non-ASCII byte makes the
// 1.4 MB source a two-byte string. These tests fail on a bundle that has either.

const PROBE = fileURLToPath(new URL('./support/module-probe.mjs', import.meta.url));
const GOAL_MIB = 64;
const onLinux = existsSync('/proc/self/status');

let app: AppProcess | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The modules the service process has loaded, asked for with SIGUSR2 (see module-probe.mjs). */
async function loadedModules(service: AppProcess): Promise<string[]> {
  service.child.kill('SIGUSR2');
  for (let waited = 0; waited < 5000; waited += 20) {
    const line = service.logs().find((text) => text.startsWith('{"moduleLoadList"'));
    if (line) return (JSON.parse(line) as { moduleLoadList: string[] }).moduleLoadList;
    await sleep(20);
  }
  throw new Error('no module list from the probe within 5 s');
}

describe('the built bundle', () => {
  const source = readFileSync(MAIN_JS, 'utf8');

  it('is pure ASCII (a one-byte source string)', () => {
    expect(source.split('\n').filter((line) => /[\u0080-\uffff]/.test(line))).toEqual([]);
  });

  it('takes no built-in with lazy getters through an ESM import (node:http, node:fs...)', () => {
    const imported = [...source.matchAll(/^import .* from ["']([^"']+)["'];?/gm)].map((m) => m[1]);
    // node:module: the banner's createRequire; node:crypto: kept on purpose (scripts/builtins.ts).
    expect(new Set(imported)).toEqual(new Set(['node:module', 'node:crypto']));
    expect(source).not.toMatch(/\bimport\(["'](node:)?https?["']\)/);
  });
});

describe('the started service', () => {
  it('has not loaded undici, http2 or tls (no node:http lazy getter ran)', async () => {
    app = await startAppProcess({
      env: { NODE_OPTIONS: `--import=${pathToFileURL(PROBE).href}` },
    });
    const loaded = await loadedModules(app);
    expect(loaded).toContain('NativeModule http');
    const unused = ['internal/deps/undici/undici', 'http2', 'tls'].map((m) => `NativeModule ${m}`);
    expect(loaded.filter((name) => unused.includes(name))).toEqual([]);
  });

  it.skipIf(!onLinux)(`is resident in at most ${GOAL_MIB} MiB once ready`, async () => {
    app = await startAppProcess();
    await (await fetch(`${app.url}/healthz`)).arrayBuffer();
    const status = readFileSync(`/proc/${app.pid}/status`, 'utf8');
    const rssMiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
    expect(rssMiB).toBeGreaterThan(0);
    expect(rssMiB).toBeLessThanOrEqual(GOAL_MIB);
  });
});
