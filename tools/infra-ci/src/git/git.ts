import type { FileChange } from '../changes/detect.js';
import { CliError } from '../errors.js';
import { runTool } from '../run-tool.js';
import type { Tree } from '../terragrunt/tree.js';

const MAX = 512 * 1024 * 1024;

/** Output of `git args` run in `repo` (and `input` on its stdin); CliError('tool') when it fails. */
export async function git(repo: string, args: string[], input?: string): Promise<Buffer> {
  const r = await runTool('git', args, {
    cwd: repo,
    stdoutMax: MAX,
    ...(input === undefined ? {} : { input }),
  });
  if (r.code !== 0 || r.overflow) {
    const why = r.overflow ? `output larger than ${MAX} bytes` : r.stderr.trim();
    throw new CliError('tool', `git ${args.join(' ')} failed: ${why}`);
  }
  return r.stdout;
}

/** `git args` output as text, trimmed. */
export const gitText = async (repo: string, args: string[]): Promise<string> =>
  (await git(repo, args)).toString('utf8').trim();

/** Absolute path of the repository containing `dir`. */
export async function repoRootOf(dir: string): Promise<string> {
  return gitText(dir, ['rev-parse', '--show-toplevel']);
}

/** Commit id of `ref`; CliError('input') naming the ref when it does not resolve. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  try {
    return await gitText(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new CliError('input', `unknown git ref "${ref}" (not a commit in ${repo})`);
  }
}

/** Merge base of two commits, or `base` itself when they share no history. */
export async function mergeBase(repo: string, base: string, head: string): Promise<string> {
  try {
    return (await gitText(repo, ['merge-base', base, head])) || base;
  } catch {
    return base;
  }
}

/** Parse `git diff --name-status -M -z` output. Pure. */
export function parseNameStatus(out: string): FileChange[] {
  const parts = out.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < parts.length; ) {
    const status = parts[i] ?? '';
    if (status === '') {
      i += 1;
      continue;
    }
    const letter = status[0] as FileChange['status'];
    if (letter === 'R' || letter === 'C') {
      changes.push({ status: letter, from: parts[i + 1] ?? '', path: parts[i + 2] ?? '' });
      i += 3;
    } else {
      changes.push({ status: letter, path: parts[i + 1] ?? '' });
      i += 2;
    }
  }
  return changes;
}

/** Files changed between two commits, renames detected (paths relative to the repository root). */
export async function diffNameStatus(
  repo: string,
  base: string,
  head: string,
): Promise<FileChange[]> {
  return parseNameStatus(
    (await git(repo, ['diff', '--name-status', '-M', '-z', base, head])).toString('utf8'),
  );
}

/**
 * The files of a commit without checking it out: one `git ls-tree -r` for the listing and one
 * `git cat-file --batch` for the contents of the files matching `preload` (others read lazily).
 * `onListing` sees the blob id of every file as soon as the listing is read, before the contents.
 */
export async function gitTree(
  repo: string,
  commit: string,
  preload: (file: string) => boolean,
  onListing?: (blobIds: ReadonlyMap<string, string>) => void,
): Promise<Tree> {
  const listing = (await git(repo, ['ls-tree', '-r', '-z', '--full-tree', commit])).toString();
  const blobs = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, sha] = entry.slice(0, tab).split(' ');
    if (type === 'blob' && sha) blobs.set(entry.slice(tab + 1), sha);
  }
  const cache = new Map<string, string>();
  /** Read the files not read yet, each distinct blob once, in one `git cat-file --batch`. */
  const fetch = async (files: string[]): Promise<void> => {
    const missing = files.filter((f) => !cache.has(f) && blobs.has(f));
    const shas = [...new Set(missing.map((f) => blobs.get(f) as string))];
    const got = await catFileBatch(repo, shas);
    const bySha = new Map(shas.map((sha, i) => [sha, got[i] ?? '']));
    for (const f of missing) cache.set(f, bySha.get(blobs.get(f) as string) ?? '');
  };
  const contents = fetch([...blobs.keys()].filter(preload)); // spawns git cat-file now
  onListing?.(blobs);
  await contents;
  const get = (file: string): string => {
    const c = cache.get(file);
    if (c === undefined) throw new CliError('input', `${file} does not exist at ${commit}`);
    return c;
  };
  return {
    repoRoot: repo,
    files: new Set(blobs.keys()),
    blobId: (file) => blobs.get(file),
    readMany: async (files) => {
      await fetch(files);
      return files.map(get);
    },
    read: async (file) => {
      await fetch([file]);
      return get(file);
    },
  };
}

/** Contents of the blobs `shas`, in order, from one `git cat-file --batch`. */
async function catFileBatch(repo: string, shas: string[]): Promise<string[]> {
  if (shas.length === 0) return [];
  const buf = await git(repo, ['cat-file', '--batch'], `${shas.join('\n')}\n`);
  const out: string[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    const size = Number(buf.subarray(pos, nl).toString().split(' ')[2]);
    out.push(buf.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    pos = nl + 1 + size + 1;
  }
  return out;
}
