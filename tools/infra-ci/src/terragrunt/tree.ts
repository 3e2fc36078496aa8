import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A snapshot of repository files: the working tree, or a git commit read without checkout.
 * Every path is relative to the repository root, with forward slashes.
 */
export interface Tree {
  /** Absolute path of the repository root (what `get_repo_root()` returns). */
  readonly repoRoot: string;
  /** Every file path in the snapshot, relative to the repository root. */
  readonly files: ReadonlySet<string>;
  /** Content of a file (path relative to the repository root). */
  read(file: string): Promise<string>;
  /** Contents of many files at once, when the tree can do better than one read per file. */
  readMany?(files: string[]): Promise<string[]>;
  /** Git blob id of a file, when the tree comes from git (the key of its cached parse). */
  blobId?(file: string): string | undefined;
}

/** Folders to skip when walking a working tree. */
const SKIP = new Set(['.git', 'node_modules', '.terragrunt-cache', '.terraform', 'dist']);

/** A tree held in memory: for tests and for contents already read from git. */
export function memoryTree(repoRoot: string, contents: Record<string, string>): Tree {
  const map = new Map(Object.entries(contents));
  return {
    repoRoot,
    files: new Set(map.keys()),
    read: async (file) => {
      const c = map.get(file);
      if (c === undefined) throw new Error(`no file ${file}`);
      return c;
    },
  };
}

/** The working tree under `repoRoot` (files below `under` only, for speed). */
export async function fsTree(repoRoot: string, under = ''): Promise<Tree> {
  const files = new Set<string>();
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(repoRoot, rel), { withFileTypes: true }).catch(
      () => [],
    );
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile()) files.add(child);
    }
  }
  await walk(under);
  return { repoRoot, files, read: (file) => readFile(path.join(repoRoot, file), 'utf8') };
}

/** Folders that contain at least one file of the tree (all ancestors included, '' is the root). */
export function foldersOf(files: Iterable<string>): Set<string> {
  const out = new Set<string>(['']);
  for (const f of files) {
    let d = path.posix.dirname(f);
    while (d !== '.' && !out.has(d)) {
      out.add(d);
      d = path.posix.dirname(d);
    }
  }
  return out;
}
