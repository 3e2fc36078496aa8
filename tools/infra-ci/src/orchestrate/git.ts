/** The git operations plan/apply need beyond src/git/git.ts: tree hashes and worktrees. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '../errors.js';
import { gitText as git } from '../git/git.js';

/** Tree object id of folder `tree` (repo-relative) at `commit`. */
export async function treeHash(repo: string, commit: string, tree: string): Promise<string> {
  try {
    return await git(repo, ['rev-parse', '--verify', '--quiet', `${commit}:${tree}`]);
  } catch {
    throw new CliError('input', `folder "${tree}" does not exist at ${commit} (--tree)`);
  }
}

/**
 * The latest commit before `commit` on its first-parent line (main's history of merges) that
 * changed `tree`; undefined when there is none (or `commit` has no parent).
 */
export async function previousChange(
  repo: string,
  commit: string,
  tree: string,
): Promise<string | undefined> {
  const parent = await git(repo, ['rev-parse', '--verify', '--quiet', `${commit}^`]).catch(
    () => '',
  );
  if (parent === '') return undefined;
  const sha = await git(repo, ['rev-list', '-1', '--first-parent', parent, '--', tree]);
  return sha === '' ? undefined : sha;
}

/** Commit checked out in the working tree. */
export const headCommit = (repo: string): Promise<string> => git(repo, ['rev-parse', 'HEAD']);

/**
 * Runs `fn` in a detached `git worktree` of `commit` in a temp folder, removed afterwards even
 * when `fn` fails.
 */
export async function withWorktree<T>(
  repo: string,
  commit: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const parent = await mkdtemp(path.join(tmpdir(), 'infra-ci-wt-'));
  const dir = path.join(parent, 'checkout');
  try {
    await git(repo, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
    return await fn(dir);
  } finally {
    await git(repo, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
    await git(repo, ['worktree', 'prune']).catch(() => undefined);
  }
}

/** Runs `fn` in the working tree when `commit` is checked out, else in a temporary worktree. */
export async function withCheckout<T>(
  repo: string,
  commit: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  return (await headCommit(repo)) === commit ? fn(repo) : withWorktree(repo, commit, fn);
}
