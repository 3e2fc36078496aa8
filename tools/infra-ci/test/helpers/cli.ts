import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../src/cli/io.js';
import type { Env } from '../../src/env.js';

/** The built CLI entry point (root `npm test` builds before the tests run). */
export const CLI_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** What an in-process run printed: stdout, and the files it appended to (e.g. the step summary). */
export interface Captured {
  stdout: string;
  /** Warnings written with io.stderr (errors caught by run() go to its own stderr callback). */
  stderr: string;
  written: Record<string, string>;
}

/**
 * The `Io` of an in-process `run()` with `args` in `cwd`, capturing what it prints; no GitHub
 * settings unless `overrides` brings them (the offline default of a workstation).
 */
export function inProcessIo(
  args: string[],
  cwd: string,
  overrides: Partial<Env> = {},
): { io: Io; out: Captured } {
  const out: Captured = { stdout: '', stderr: '', written: {} };
  const env: Env = {
    args,
    cwd,
    githubOutput: undefined,
    githubStepSummary: undefined,
    cacheDir: undefined,
    childEnv: {},
    github: {
      apiUrl: 'http://127.0.0.1:9',
      token: undefined,
      repository: undefined,
      runId: undefined,
      eventPath: undefined,
    },
    ...overrides,
  };
  const io: Io = {
    env,
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    appendFile: async (f, t) => {
      out.written[f] = (out.written[f] ?? '') + t;
    },
  };
  return { io, out };
}

/** What a spawned CLI run returned. */
export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The built CLI spawned without blocking this process (a GitHub server may run in it); killed after
 * 20 s so a hung run fails the test instead of hanging it.
 */
export function spawnCli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onSpawn?: (child: ChildProcess) => void,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd, env });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
