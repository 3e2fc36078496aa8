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
