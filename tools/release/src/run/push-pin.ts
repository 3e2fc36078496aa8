import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReleaseError } from '../errors.js';
import type { GitWriter } from '../io/git-push.js';
import { afterRefusal, place, type UpstreamView } from '../push/decide.js';

export interface PushPinInput {
  /** The pinned file, repository-relative (paths are relative to the repository root). */
  readonly path: string;
  readonly message: string;
  readonly body: string;
  /** true: an unchanged file is an error (exit 1); false: nothing to commit is success. */
  readonly requireChange: boolean;
  readonly remote: string;
  readonly branch: string;
  readonly maxAttempts: number;
  /** Wait before attempt n+1: n × backoffMs. */
  readonly backoffMs: number;
}

export type PushPinResult =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'pushed' | 'already'; readonly sha: string; readonly attempts: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Commits the one changed file on top of main and pushes it, replaying it onto main when main moved
 * meanwhile (src/push/decide.ts says when that is safe). The commit is built with plumbing (a
 * temporary index: main's tree with this one file replaced), so the working tree is never touched
 * and a retry never meets a half-done rebase.
 */
export async function pushPin(git: GitWriter, input: PushPinInput): Promise<PushPinResult> {
  if (input.path.startsWith('/') || input.path.split('/').includes('..')) {
    throw new ReleaseError(`--path: expected a repository-relative path, got "${input.path}"`);
  }
  await git.must(['add', '--', input.path]);
  const staged = (await git.must(['diff', '--cached', '--name-only'])).split('\n').filter(Boolean);
  const others = staged.filter((p) => p !== input.path);
  if (others.length > 0) {
    throw new ReleaseError(
      `only ${input.path} may be committed; also staged: ${others.join(', ')}`,
      1,
    );
  }
  if (staged.length === 0) {
    if (input.requireChange) throw new ReleaseError(`${input.path} did not change`, 1);
    return { kind: 'unchanged' };
  }
  // "<mode> <blob> <stage>\t<path>" of the staged file: what every attempt puts on main.
  const entry = /^(\d+) ([0-9a-f]{40,64}) 0\t/.exec(
    await git.must(['ls-files', '-s', '--', input.path]),
  );
  if (entry === null) throw new ReleaseError(`${input.path}: not a regular staged file`, 1);
  const [, mode, blob] = entry as unknown as [string, string, string];
  const base = await git.must(['rev-parse', 'HEAD']);
  const tracking = `refs/remotes/${input.remote}/${input.branch}`;
  const fetch = async (): Promise<string> => {
    await git.must(
      ['fetch', '--no-tags', '--quiet', input.remote, `+refs/heads/${input.branch}:${tracking}`],
      { auth: true },
    );
    return git.must(['rev-parse', tracking]);
  };

  let remote = await fetch();
  for (let attempt = 1; ; attempt++) {
    const placement = place(await view(git, base, remote, input.path), input.path, blob);
    if (placement.kind === 'stop') throw new ReleaseError(placement.reason, 1);
    if (placement.kind === 'already')
      return { kind: 'already', sha: placement.at, attempts: attempt };
    const commit = await commitOnto(git, placement.onto, { mode, blob, ...input });
    const pushed = await git.run(
      ['push', '--quiet', input.remote, `${commit}:refs/heads/${input.branch}`],
      {
        auth: true,
      },
    );
    if (pushed.ok) return { kind: 'pushed', sha: commit, attempts: attempt };
    const after = await fetch();
    const next = afterRefusal({
      attempt,
      maxAttempts: input.maxAttempts,
      remoteBefore: remote,
      remoteAfter: after,
      stderr: pushed.stderr,
    });
    if (next.kind === 'stop') throw new ReleaseError(next.reason, 1);
    remote = after;
    await sleep(attempt * input.backoffMs);
  }
}

async function view(
  git: GitWriter,
  base: string,
  remote: string,
  path: string,
): Promise<UpstreamView> {
  const descends = (await git.run(['merge-base', '--is-ancestor', base, remote])).ok;
  const changed = base === remote ? '' : await git.must(['diff', '--name-only', base, remote]);
  const remoteBlob = await git.run(['rev-parse', '--verify', '--quiet', `${remote}:${path}`]);
  return {
    base,
    remote,
    descends,
    changedPaths: changed.split('\n').filter(Boolean),
    remoteBlob: remoteBlob.ok ? remoteBlob.stdout.trim() : undefined,
  };
}

/** A commit whose parent is `onto` and whose tree is onto's tree with the one file replaced. */
async function commitOnto(
  git: GitWriter,
  onto: string,
  c: { mode: string; blob: string; path: string; message: string; body: string },
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'push-pin-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    const step = async (args: string[]) => {
      const r = await git.run(args, { env });
      if (!r.ok) throw new ReleaseError(`git ${args[0]} failed: ${r.stderr.trim()}`, 1);
      return r.stdout.trim();
    };
    await step(['read-tree', onto]);
    await step(['update-index', '--add', '--cacheinfo', `${c.mode},${c.blob},${c.path}`]);
    const tree = await step(['write-tree']);
    return await step(['commit-tree', tree, '-p', onto, '-m', c.message, '-m', c.body]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
