/**
 * The work list of a change: which units are planned (and applied) in which wave, which are
 * destroyed, moved, re-planned after their upstreams, or left to be run by hand. One function for
 * the PR's `plan` and for the merge's `apply`, which recomputes it from git instead of trusting the
 * bundle's copy.
 */
import type { ChangeSet } from '../changes/detect.js';
import { excludedUnits } from '../terragrunt/exclude.js';
import type { UnitGraph } from '../terragrunt/load.js';

export interface WorkList {
  /** Units planned and applied, waves of the head graph (units excluded from plan left out). */
  applyWaves: string[][];
  /** Units planned with -destroy from the merge base, reverse dependency order. */
  destroyWaves: string[][];
  moved: { from: string; to: string }[];
  /** Per apply unit: its direct dependencies changed in the same change (sorted). */
  upstreamChanged: Record<string, string[]>;
  /** Units an exclude block keeps out of the plan (never planned) → the unit whose block does. */
  notPlanned: { apply: Map<string, string>; destroy: Map<string, string> };
  /** Units planned but excluded from apply / destroy (run by hand) → the unit whose block does. */
  byHand: { apply: Map<string, string>; destroy: Map<string, string> };
}

/** @param graph head graph; @param baseGraph merge-base graph (see detectChangesAndGraph). */
export function workList(changes: ChangeSet, graph: UnitGraph, baseGraph: UnitGraph): WorkList {
  const changed = new Set(changes.changed);
  const destroyed = changes.destroyed;
  // exclude blocks: head config for changed units, base config for destroyed ones.
  const notPlanned = {
    apply: excludedUnits(graph, 'plan', changes.changed),
    destroy: excludedUnits(baseGraph, 'plan', destroyed),
  };
  const byHand = {
    apply: excludedUnits(graph, 'apply', changes.changed),
    destroy: excludedUnits(baseGraph, 'destroy', destroyed),
  };
  const compact = (waves: string[][], skip: Map<string, string>): string[][] =>
    waves.map((w) => w.filter((u) => !skip.has(u))).filter((w) => w.length > 0);
  const applyWaves = compact(changes.applyWaves, notPlanned.apply);
  const upstreamChanged = Object.fromEntries(
    applyWaves
      .flat()
      .map((u) => [u, (graph.units[u]?.dependencies ?? []).filter((d) => changed.has(d)).sort()]),
  );
  return {
    applyWaves,
    destroyWaves: compact(changes.destroyWaves, notPlanned.destroy),
    moved: changes.moved,
    upstreamChanged,
    notPlanned,
    byHand,
  };
}
