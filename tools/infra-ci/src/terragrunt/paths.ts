import path from 'node:path';
import { CliError } from '../errors.js';

const P = path.posix;

/** Absolute form of a repository-relative path. */
export function toAbs(repoRoot: string, rel: string): string {
  return rel === '' ? repoRoot : P.join(repoRoot, rel);
}

/**
 * Repository-relative form of `p` ('' is the repository root): absolute paths are taken relative
 * to `repoRoot`, relative ones are resolved from `baseDir` (itself repository-relative).
 * Undefined when `p` is outside the repository. Pure.
 */
export function repoPath(repoRoot: string, p: string, baseDir = ''): string | undefined {
  const q = p.split(path.sep).join('/');
  const rel = P.isAbsolute(q)
    ? P.relative(repoRoot, P.normalize(q))
    : P.normalize(P.join(baseDir, q));
  const clean = rel === '.' ? '' : rel.replace(/\/$/, '');
  return clean === '..' || clean.startsWith('../') ? undefined : clean;
}

/** `repoPath`, or CliError('input') when `p` leaves the repository. */
export function toRel(repoRoot: string, baseDir: string, p: string): string {
  const rel = repoPath(repoRoot, p, baseDir);
  if (rel === undefined) {
    throw new CliError('input', `path "${p}" (from "${baseDir}") leaves the repository`);
  }
  return rel;
}

export function dirOf(rel: string): string {
  const d = P.dirname(rel);
  return d === '.' ? '' : d;
}

const relatives = new Map<string, string>();
/** Relative path between two repository-relative folders (memoized: units repeat them). */
export function relativeBetween(from: string, to: string): string {
  const key = `${from}\0${to}`;
  let r = relatives.get(key);
  if (r === undefined) {
    r = P.relative(from, to) || '.';
    relatives.set(key, r);
  }
  return r;
}

/** True when `source` is a local path (Terragrunt copies it) rather than a remote address. */
export function isLocalSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || source.startsWith('/');
}

/** Folder of a local module source: "../modules//vpc?ref=x" → "../modules/vpc". */
export function localModulePath(source: string): string {
  const noQuery = source.split('?')[0] ?? source;
  const [rootPart, sub] = splitDoubleSlash(noQuery);
  return sub === undefined ? rootPart : P.join(rootPart, sub);
}

function splitDoubleSlash(s: string): [string, string | undefined] {
  const i = s.indexOf('//', s.startsWith('/') ? 1 : 0);
  if (i < 0) return [s, undefined];
  return [s.slice(0, i), s.slice(i + 2)];
}

/** Minimal glob (`*`, `**`, `?`) to RegExp over repository-relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] ?? '';
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
