/**
 * `infra-ci changes` compares commits, never the working tree: uncommitted edits under the root
 * are not seen. This warns about them (issue #19), so a local run is not read as "nothing changed".
 */
import path from 'node:path';
import { git, repoRootOf } from '../git/git.js';

/**
 * Paths of `git status --porcelain=v1 -z` output (repository-relative). A rename or copy entry is
 * followed by its source path, which is skipped. Pure.
 */
export function parseStatusZ(out: string): string[] {
  const fields = out.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    if (f.length < 4) continue;
    paths.push(f.slice(3));
    if (f[0] === 'R' || f[0] === 'C') i++;
  }
  return paths;
}

/** The warning for uncommitted `paths` under `root` (repository-relative), or none. Pure. */
export function dirtyWarning(paths: string[], root: string): string | undefined {
  if (paths.length === 0) return undefined;
  const shown = paths.slice(0, 5).join(', ');
  const more = paths.length > 5 ? ` and ${paths.length - 5} more` : '';
  return `infra-ci changes: warning: ${paths.length} uncommitted change(s) under ${root || '.'} (${shown}${more}) are not considered: changes compares commits (--base/--head), not the working tree; commit them to include them.\n`;
}

/** Uncommitted paths (modified, staged, untracked; not ignored) under `root`, from `cwd`'s repository. */
export async function uncommittedUnder(
  cwd: string,
  root: string,
): Promise<{ rel: string; paths: string[] }> {
  const repo = await repoRootOf(cwd);
  const rel = (path.isAbsolute(root) ? path.relative(repo, root) : root).split(path.sep).join('/');
  const args = ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', rel || '.'];
  // Not trimmed: an entry starts with a status column that may be a space.
  return { rel, paths: parseStatusZ((await git(repo, args)).toString('utf8')) };
}
