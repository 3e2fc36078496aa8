import type { GitReader } from '../io/git.js';
import type { GitHubApi } from '../io/github.js';
import { type Decision, decidePromotion, type PinAtCommit } from '../train/decide.js';
import type { FailoverState } from '../train/failover.js';
import { readPin } from '../train/pin-file.js';
import { PRIMARY_REGION, pinPath, STANDBY_REGION } from '../train/regions.js';
import { readRegionPin, writeRegionPin } from './pins.js';
import { reportOutcome } from './report.js';

export interface OnSignalInput {
  /** The checkout of main (repository root). */
  readonly repo: string;
  /** The commit the status event (or repository_dispatch payload) names. */
  readonly sha: string;
  /** The event's own context, if it carried one: a different context is ignored without API calls. */
  readonly eventContext: string | undefined;
  readonly expectedContext: string;
  readonly expectedCreator: string;
  readonly failover: FailoverState;
  /** How far back main's first-parent history is searched for `sha`. */
  readonly historyLimit: number;
}

export interface Deps {
  readonly github: GitHubApi;
  readonly git: GitReader;
}

async function pinHistory(
  git: GitReader,
  sha: string,
  limit: number,
): Promise<PinAtCommit[] | undefined> {
  const commits = await git.firstParentHistory(limit);
  const index = commits.indexOf(sha);
  if (index < 0) return undefined;
  const path = pinPath(STANDBY_REGION);
  // One `git show` at a time: at most `limit` short processes, never a burst of them.
  const history: PinAtCommit[] = [];
  for (const sha of commits.slice(0, index + 1)) {
    const text = await git.fileAt(sha, path);
    let standbyDigest: string | undefined;
    try {
      standbyDigest = text === undefined ? undefined : readPin(text, path).digest;
    } catch {
      standbyDigest = undefined; // an unreadable pin differs from the current one: stale
    }
    history.push({ sha, standbyDigest });
  }
  return history;
}

/**
 * Handles one signal from the standby cluster: reads the status back from GitHub (the event payload
 * is only a hint), checks it against git, decides, and either pins the primary in the checkout (the
 * workflow commits it) or reports on the commit and in the release-train issue.
 */
export async function onSignal(deps: Deps, input: OnSignalInput): Promise<Decision> {
  if (input.eventContext !== undefined && input.eventContext !== input.expectedContext) {
    return {
      kind: 'ignore',
      reasons: [`event context "${input.eventContext}" is not "${input.expectedContext}"`],
    };
  }
  const statuses = await deps.github.statuses(input.sha);
  // The REST API lists statuses newest first: the first one of a context is its current state.
  const signal = statuses.find((s) => s.context === input.expectedContext);
  const decision = decidePromotion({
    standbyRegion: STANDBY_REGION,
    primaryRegion: PRIMARY_REGION,
    expectedContext: input.expectedContext,
    expectedCreator: input.expectedCreator,
    sha: input.sha,
    signal,
    history: signal === undefined ? [] : await pinHistory(deps.git, input.sha, input.historyLimit),
    standby: await readRegionPin(input.repo, STANDBY_REGION),
    primary: await readRegionPin(input.repo, PRIMARY_REGION),
    failover: input.failover,
  });
  if (decision.kind === 'promote') {
    // The train only pins digests the standby ran, so an earlier override no longer applies.
    await writeRegionPin(input.repo, PRIMARY_REGION, { digest: decision.digest, override: null });
  } else if (decision.kind !== 'ignore') {
    await reportOutcome(deps.github, input.sha, decision);
  }
  return decision;
}
