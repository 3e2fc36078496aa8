/**
 * Which plan bundle the merge may apply: pure decisions over what GitHub and git say, each
 * returning the reason it refuses (or nothing). The bundle's own checksums prove only that it agrees
 * with itself; what binds it to the reviewed PR is the run that uploaded it, and what binds its
 * work list to the merge is git.
 */

import type { PlanArtifact, PullRequestRef } from '../github/port.js';
import type { Manifest } from '../plan/bundle.js';
import type { WorkList } from './worklist.js';

/** What the uploading run must have been: infra-pr, on a pull_request event, for this PR into main. */
export interface Binding {
  pr: number;
  baseBranch: string;
  workflowPath: string;
}

export const PLAN_WORKFLOW = '.github/workflows/infra-pr.yml';

/** Why the run that uploaded `a` does not bind it to the merged PR, or undefined when it does. */
export function artifactProblem(a: PlanArtifact, b: Binding): string | undefined {
  const run = `artifact ${a.name} (id ${a.id}) was uploaded by run ${a.runId}`;
  if (a.run.workflowPath !== b.workflowPath) {
    return `${run} of ${a.run.workflowPath}, not ${b.workflowPath}`;
  }
  if (a.run.event !== 'pull_request') {
    return `${run}, a ${a.run.event} run, not a pull_request run`;
  }
  const own = a.run.pullRequests.find((p) => p.number === b.pr);
  if (own === undefined) {
    const prs = a.run.pullRequests.map((p) => `#${p.number}`).join(', ') || 'no pull request';
    return `${run} for ${prs}, not for the merged PR #${b.pr}`;
  }
  if (own.baseRef !== b.baseBranch) {
    return `${run} for PR #${b.pr} with base ${own.baseRef}, not ${b.baseBranch}`;
  }
  return undefined;
}

/**
 * The newest candidate bound to the merged PR (a newer unbound upload under the same name cannot
 * block it), or every candidate's reason when none is.
 */
export function pickArtifact(
  candidates: readonly PlanArtifact[],
  b: Binding,
): { artifact: PlanArtifact } | { problems: string[] } {
  const problems: string[] = [];
  for (const a of candidates) {
    const problem = artifactProblem(a, b);
    if (problem === undefined) return { artifact: a };
    problems.push(problem);
  }
  return { problems };
}

/** Why the merged PR itself is not one this apply may act on (its base branch). */
export function pullRequestProblem(pr: PullRequestRef, b: Binding): string | undefined {
  return pr.baseRef === b.baseBranch
    ? undefined
    : `PR #${pr.number} was merged into ${pr.baseRef}, not ${b.baseBranch}`;
}

/** Why the manifest does not name the merged PR. */
export function manifestPrProblem(m: Manifest, pr: PullRequestRef): string | undefined {
  if (m.pr === undefined) return `the manifest names no PR; the merged PR is #${pr.number}`;
  if (m.pr !== pr.number) return `the manifest is for PR #${m.pr}, the merged PR is #${pr.number}`;
  return undefined;
}

const setDiff = (a: Iterable<string>, b: Set<string>): string[] =>
  [...new Set(a)].filter((x) => !b.has(x)).sort();

/**
 * Differences between the bundle's work list and the one recomputed from git at the merge (the
 * same code as `infra-ci changes`). Empty when the bundle holds exactly what the merge changes.
 */
export function workListProblems(m: Manifest, w: WorkList): string[] {
  const problems: string[] = [];
  const want = { apply: new Set(w.applyWaves.flat()), destroy: new Set(w.destroyWaves.flat()) };
  const have = { apply: new Set(m.applyWaves.flat()), destroy: new Set(m.destroyWaves.flat()) };
  for (const kind of ['apply', 'destroy'] as const) {
    const extra = setDiff(have[kind], want[kind]);
    const missing = setDiff(want[kind], have[kind]);
    for (const u of extra) {
      problems.push(
        kind === 'destroy'
          ? `destroy of ${u}, whose folder the merge does not delete`
          : `apply of ${u}, which the merge does not change`,
      );
    }
    for (const u of missing)
      problems.push(
        `no ${kind} plan for ${u}, which the merge ${kind === 'apply' ? 'changes' : 'deletes'}`,
      );
  }
  const moved = (xs: { from: string; to: string }[]) => xs.map((x) => `${x.from} -> ${x.to}`);
  const movedWant = new Set(moved(w.moved));
  const movedHave = new Set(moved(m.moved));
  for (const x of setDiff(movedHave, movedWant))
    problems.push(`moved ${x} is not a move of the merge`);
  for (const x of setDiff(movedWant, movedHave))
    problems.push(`the merge moves ${x}, the bundle does not say so`);
  for (const u of want.apply) {
    const entry = m.units[u];
    if (entry === undefined || entry.kind !== 'apply') continue;
    const up = w.upstreamChanged[u] ?? [];
    if (entry.upstreamChanged.join(',') !== up.join(',')) {
      problems.push(
        `${u}: upstreamChanged [${entry.upstreamChanged.join(', ')}], the merge says [${up.join(', ')}]`,
      );
    }
  }
  for (const kind of ['apply', 'destroy'] as const) {
    for (const u of want[kind]) {
      const entry = m.units[u];
      if (entry === undefined) continue;
      if ((entry.excluded?.by ?? '') !== (w.byHand[kind].get(u) ?? '')) {
        problems.push(`${u}: excluded from ${kind} differs from the merge's exclude blocks`);
      }
    }
  }
  return problems;
}
