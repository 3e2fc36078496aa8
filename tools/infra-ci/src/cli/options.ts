import os from 'node:os';
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

/**
 * Folder of the persistent parse cache: `--cache-dir` (relative to the current folder), else
 * `fromEnv` (a folder named by the environment, when the caller has one), else
 * `<os.tmpdir()>/infra-ci-<uid>/cache`; undefined with `--no-cache`.
 */
export function cacheDirOption(
  cwd: string,
  o: { cache?: boolean; cacheDir?: string | undefined },
  fromEnv?: string,
): string | undefined {
  if (o.cache === false) return undefined;
  const dir = o.cacheDir || fromEnv;
  if (dir) return path.resolve(cwd, dir);
  return path.join(os.tmpdir(), `infra-ci-${process.getuid?.() ?? 'user'}`, 'cache');
}
