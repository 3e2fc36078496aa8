import { dirname, join } from 'node:path';

/** What {@link findRepoRoot} needs to know of a folder. */
export interface RootProbe {
  /** The folder has a `.git` entry (a folder, or a file in a git worktree). */
  git: boolean;
  /** The folder has a package.json with `workspaces` (the monorepo's root package). */
  workspaces: boolean;
}

/**
 * The repository root: the nearest folder from `start` upwards (itself included) that holds `.git`
 * or the root package.json (one with `workspaces`; a workspace's own package.json has none).
 * undefined when there is none up to the filesystem root. Pure: `probe` reads the folder.
 */
export function findRepoRoot(start: string, probe: (dir: string) => RootProbe): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const p = probe(dir);
    if (p.git || p.workspaces) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The folder probe for {@link findRepoRoot}, over the file system (`exists`, `read` injected). */
export function fsProbe(
  exists: (path: string) => boolean,
  read: (path: string) => string,
): (dir: string) => RootProbe {
  return (dir) => {
    const pkg = join(dir, 'package.json');
    let workspaces = false;
    if (exists(pkg)) {
      try {
        workspaces = (JSON.parse(read(pkg)) as { workspaces?: unknown }).workspaces !== undefined;
      } catch {
        workspaces = false; // not JSON: not the root package
      }
    }
    return { git: exists(join(dir, '.git')), workspaces };
  };
}
