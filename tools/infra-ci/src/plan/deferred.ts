/**
 * Units planned after their upstream applies. A unit whose mocked upstream is new in the change
 * cannot always be planned on the PR: mock outputs stand in for the upstream's outputs, but not
 * for what the unit reads from AWS itself (the kubernetes unit's `data "aws_eks_cluster"` of a
 * cluster the same PR creates fails). When such a unit's plan fails, the PR does not fail: the
 * unit is reported "planned after its upstream applies". The merge re-plans every unit with a
 * changed upstream once that upstream is applied (orchestrate/apply.ts) and, since there is no
 * reviewed plan to match, stops there and posts the fresh plan for review (exit 5). Pure functions.
 */
import type { PlanRow } from './summary.js';

/**
 * The upstreams a unit's PR plan may wait for: dependencies that are mocked (`mock_outputs`),
 * changed in this change (so the merge re-plans the unit after them), and without state: new in
 * the change (no unit of that id at the merge base), or reported by Terragrunt as having no outputs
 * (an earlier unit whose apply never ran). Sorted; empty when the unit must plan like any other.
 * @param mocked unit ids of the unit's mocked dependencies (UnitGraph `mocked`)
 * @param upstreamChanged the unit's direct dependencies changed in this change
 * @param baseUnits unit ids of the merge-base graph
 * @param withoutOutputs unit ids Terragrunt returned mock outputs for in the failed plan
 */
export function awaitedUpstreams(
  mocked: readonly string[],
  upstreamChanged: readonly string[],
  baseUnits: ReadonlySet<string>,
  withoutOutputs: ReadonlySet<string> = new Set(),
): string[] {
  const changed = new Set(upstreamChanged);
  return [...new Set(mocked)]
    .filter((u) => changed.has(u) && (!baseUnits.has(u) || withoutOutputs.has(u)))
    .sort();
}

/** The `planned after upstream applies` rows of a report. */
export function deferredRows(rows: readonly PlanRow[]): PlanRow[] {
  return rows.filter((r) => r.status === 'deferred');
}

const code = (s: string): string => `\`${s.replaceAll('`', "'")}\``;

/** The PR comment's section listing them (empty when there are none). */
export function renderDeferredSection(rows: readonly PlanRow[]): string[] {
  const deferred = deferredRows(rows);
  if (deferred.length === 0) return [];
  const lines = [
    `**${deferred.length} unit(s) planned after their upstream applies**: their plan needs a unit this PR creates (mock outputs cannot stand in for what the unit reads from AWS itself). On merge they are planned once that upstream is applied; \`infra-ci apply\` then stops and posts that plan on this PR for review (nothing of theirs is applied unreviewed); a follow-up PR touching the unit applies it.`,
    '',
  ];
  for (const r of deferred) {
    const ups = (r.deferred?.upstreams ?? []).map(code).join(', ');
    const why = (r.error ?? '').replace(/\s+/g, ' ').trim();
    lines.push(
      `- ${code(r.unit)} — after ${ups}${why === '' ? '' : `; its PR plan failed with: ${code(why.length > 300 ? `…${why.slice(-300)}` : why)}`}`,
    );
  }
  lines.push('');
  return lines;
}
