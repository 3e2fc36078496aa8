import { appendFile } from 'node:fs/promises';
import type { Env } from '../env.js';

/** What commands may do to the outside world: print, warn, and append to $GITHUB_OUTPUT. */
export interface Io {
  env: Env;
  stdout(text: string): void;
  /** Warnings that are not the command's output (stdout stays machine-readable). */
  stderr(text: string): void;
  appendFile(file: string, text: string): Promise<void>;
}

export function processIo(env: Env): Io {
  return {
    env,
    stdout: (t) => {
      process.stdout.write(t);
    },
    stderr: (t) => {
      process.stderr.write(t);
    },
    appendFile: (f, t) => appendFile(f, t, 'utf8'),
  };
}
