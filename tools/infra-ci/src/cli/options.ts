import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../errors.js';

/** --root given on the command line is relative to the current folder; the default is relative to the repository root. */
/** Help of the `--root` option of the commands that read units. */
export const UNITS_ROOT =
  'folder holding the units (default: infra/environments in the repository)';

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
/** The `--cache-dir` / `--no-cache` pair, shared by every command that parses the tree. */
export function addCacheOptions(command: Command): Command {
  return command
    .option(
      '--cache-dir <dir>',
      'parse cache folder: parsed HCL by git blob id, reused across runs (default: $INFRA_CI_CACHE_DIR, $XDG_CACHE_HOME/infra-ci, else <tmpdir>/infra-ci-<uid>/cache)',
    )
    .option('--no-cache', 'parse every file, without reading or writing the parse cache');
}

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
