/**
 * Extracting a downloaded artifact zip, safely: entry names are checked before anything is written,
 * so a crafted archive ("zip slip": `../x`, `/etc/x`) cannot write outside the target folder.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { CliError } from '../errors.js';

/**
 * The relative path an entry name stands for, or a reason it is refused. Pure.
 * Directory entries end in '/' and come back with `dir: true`.
 */
export function checkEntryName(
  name: string,
): { ok: true; rel: string; dir: boolean } | { ok: false; reason: string } {
  if (name === '' || name.includes('\0')) return { ok: false, reason: 'empty or NUL in name' };
  if (name.includes('\\')) return { ok: false, reason: 'backslash in name' };
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    return { ok: false, reason: 'absolute path' };
  }
  const dir = name.endsWith('/');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { ok: false, reason: "'..' segment escapes the target folder" };
  if (parts.length === 0) return { ok: false, reason: 'names no file' };
  return { ok: true, rel: parts.join('/'), dir };
}

/** Throws unless `dir` is missing or an empty folder; then creates it. */
export function prepareEmptyDir(dir: string): void {
  let entries: string[] | undefined;
  try {
    if (!statSync(dir).isDirectory()) {
      throw new CliError('input', `artifact target ${dir} exists and is not a folder`);
    }
    entries = readdirSync(dir);
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (entries !== undefined && entries.length > 0) {
    throw new CliError(
      'input',
      `artifact target ${dir} is not empty (${entries.length} entries); expected a missing or empty folder`,
    );
  }
  mkdirSync(dir, { recursive: true });
}

/**
 * Extracts `zip` into `dir` (which must be missing or empty) and returns the files written,
 * relative to `dir`, sorted. Refuses the whole archive, writing nothing, if any entry would land
 * outside `dir`.
 */
export function extractZip(zip: Uint8Array, dir: string, what = 'artifact'): string[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (e) {
    throw new CliError(
      'tool',
      `${what} is not a readable zip archive: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const root = path.resolve(dir);
  const plan: { abs: string; rel: string; dir: boolean; data: Uint8Array }[] = [];
  for (const [name, data] of Object.entries(entries)) {
    const checked = checkEntryName(name);
    if (!checked.ok) {
      throw new CliError(
        'input',
        `${what} zip entry ${JSON.stringify(name)} refused (${checked.reason}); expected paths inside the archive`,
      );
    }
    const abs = path.resolve(root, checked.rel);
    if (!abs.startsWith(root + path.sep)) {
      throw new CliError('input', `${what} zip entry ${JSON.stringify(name)} escapes ${dir}`);
    }
    plan.push({ abs, rel: checked.rel, dir: checked.dir, data });
  }
  prepareEmptyDir(root);
  const written: string[] = [];
  for (const e of plan) {
    if (e.dir) {
      mkdirSync(e.abs, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(e.abs), { recursive: true });
    writeFileSync(e.abs, e.data);
    written.push(e.rel);
  }
  return written.sort();
}
