/**
 * The pin commit's push, decided over plain data (the git calls are in ../io/git-push.ts, the loop
 * in ../run/push-pin.ts). A pin commit changes exactly one file. Between the checkout and the push,
 * main may move (the other image workflow's pin, a merge, a hold): the commit is rebased onto the
 * new main and pushed again, a bounded number of times — but only while main's new commits leave
 * the pinned file alone. If they changed it (a hold, a manual promote, another pin), no text merge
 * is trusted: the pin must be recomputed from the new main, so the push stops and says so.
 */

/** What main did since the commit the pin was based on, as read after a fetch. */
export interface UpstreamView {
  /** The commit the pin commit currently sits on. */
  readonly base: string;
  /** origin/main after the fetch. */
  readonly remote: string;
  /** false when `base` is not an ancestor of `remote` (main was rewritten, or another branch). */
  readonly descends: boolean;
  /** Paths changed between `base` and `remote`. */
  readonly changedPaths: readonly string[];
  /** The pinned file's blob id on `remote` (undefined when absent there). */
  readonly remoteBlob: string | undefined;
}

export type Placement =
  | { readonly kind: 'push'; readonly onto: string }
  | { readonly kind: 'already'; readonly at: string }
  | { readonly kind: 'stop'; readonly reason: string };

/**
 * Where the pin commit goes: as it is (main did not move), rebased onto the new main (main moved
 * without touching the file), nowhere because main already holds exactly this file, or nowhere
 * because main changed the file some other way.
 */
export function place(view: UpstreamView, path: string, ourBlob: string): Placement {
  if (!view.descends) {
    return {
      kind: 'stop',
      reason: `main (${view.remote}) does not contain ${view.base}: it was rewritten or the job did not check out main; re-run on main`,
    };
  }
  if (!view.changedPaths.includes(path)) return { kind: 'push', onto: view.remote };
  if (view.remoteBlob === ourBlob) return { kind: 'already', at: view.remote };
  return {
    kind: 'stop',
    reason: `main changed ${path} after ${view.base.slice(0, 12)} (now ${view.remote.slice(0, 12)}): the pin is not merged into someone else's edit; re-run the workflow so the pin is recomputed from the new main`,
  };
}

/** A refused push, and whether main moved meanwhile (a fetch right after the refusal tells). */
export interface Refusal {
  readonly attempt: number;
  readonly maxAttempts: number;
  /** origin/main before the push was tried, and after the refusal. */
  readonly remoteBefore: string;
  readonly remoteAfter: string;
  readonly stderr: string;
}

export type AfterRefusal =
  | { readonly kind: 'retry' }
  | { readonly kind: 'stop'; readonly reason: string };

/**
 * A push refused while main moved is a race: try again (rebased) until the attempts run out. A push
 * refused while main stayed put will be refused again (branch protection, a token without
 * `contents: write`, a bypass not granted): stop at once with git's own words.
 */
export function afterRefusal(r: Refusal): AfterRefusal {
  const gitSays = r.stderr.trim().split('\n').slice(-6).join('\n');
  if (r.remoteAfter === r.remoteBefore) {
    return {
      kind: 'stop',
      reason: `the push was refused and main did not move, so retrying cannot help (branch protection? token permissions? see docs/branch-protection.md):\n${gitSays}`,
    };
  }
  if (r.attempt >= r.maxAttempts) {
    return {
      kind: 'stop',
      reason: `main kept moving: gave up after ${r.attempt} attempts (--attempts ${r.maxAttempts}); re-run the job`,
    };
  }
  return { kind: 'retry' };
}
