/**
 * Headless Chromium (Debian package `chromium`) as a thin adapter, for the app's page test and the
 * failover drill report (its render test and `npm run drill:report`): dump the DOM of a URL or a
 * local file with the page's console messages, or screenshot a file. Bounded in time; the whole
 * process group is killed on timeout. Console messages come from `--enable-logging=stderr --v=0`,
 * which logs each as a `CONSOLE` line (a CSP violation, a script error, a failed load all show there).
 * Where it comes from: Debian's `chromium` (.ci/run installs it); GitHub's Ubuntu runner images link
 * a Chromium build to /usr/bin/chromium (actions/runner-images,
 * images/ubuntu/scripts/build/install-google-chrome.sh), so app-pr's `npm test` finds it too.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { captureOutput } from './app-process.js';

export interface PageRun {
  exitCode: number | null;
  dom: string;
  /** The page's console messages (one stderr line each). */
  console: string[];
  /** All Chromium wrote to stderr. */
  log: string;
}

const NOT_INSTALLED =
  'not found: the page and drill report tests need headless Chromium — install the Debian package (apt-get update && apt-get install -y chromium); .ci/run installs it';

/** How a run is bounded, which executable (found on PATH) runs it, and any more flags. */
export interface RunOptions {
  timeoutMs?: number;
  bin?: string;
  args?: string[];
}

/** Pure: the console messages among Chromium's stderr lines. */
export function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));
}

/** Every run's flags (with a throwaway profile): no window, no GPU, no sandbox, no first-run UI. */
const HEADLESS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];

async function run(
  args: string[],
  { timeoutMs = 30_000, bin = 'chromium', args: more = [] }: RunOptions,
): Promise<{ code: number | null; out: string; err: string }> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const base = [...HEADLESS, `--user-data-dir=${profile}`, ...more];
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(bin, [...base, ...args], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output = captureOutput(child);
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is already gone
        }
        reject(new Error(`chromium did not finish within ${timeoutMs} ms: ${args.join(' ')}`));
      }, timeoutMs);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(e.code === 'ENOENT' ? new Error(`${bin} ${NOT_INSTALLED}`) : e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out: output.stdout(), err: output.stderr() });
      });
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** Loads `page` (a URL, or a local file's path) headless; returns the DOM after load and the log. */
export async function dumpDom(page: URL | string, opts: RunOptions = {}): Promise<PageRun> {
  const url = page instanceof URL ? page.href : pathToFileURL(page).href;
  const r = await run(['--enable-logging=stderr', '--v=0', '--dump-dom', url], opts);
  return { exitCode: r.code, dom: r.out, console: consoleLines(r.err), log: r.err };
}

/** Screenshots `file` to the PNG `png` at `width`×`height`; returns Chromium's exit code. */
export async function screenshot(
  file: string,
  png: string,
  size = { width: 1200, height: 800 },
  opts: RunOptions = {},
): Promise<number | null> {
  const url = pathToFileURL(file).href;
  const window = `--window-size=${size.width},${size.height}`;
  return (await run([`--screenshot=${png}`, window, '--hide-scrollbars', url], opts)).code;
}
