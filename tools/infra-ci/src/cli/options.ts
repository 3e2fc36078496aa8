import path from 'node:path';
import { CliError } from '../errors.js';

/** --root given on the command line is relative to the current folder; the default is relative to the repository root. */
export function rootOption(cwd: string, root: string | undefined, fallback: string): string {
  return root === undefined ? fallback : path.resolve(cwd, root);
}

export function choice<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError('input', `--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}
