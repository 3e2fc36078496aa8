/**
 * Terragrunt's `exclude` block (Terragrunt >= 0.68): which actions leave a unit out of a run queue.
 *
 *   exclude {
 *     if                   = true                   # required: the block is active only when true
 *     actions              = ["apply", "destroy"]   # required: "plan", "apply", "destroy", "all", "all_except_output", …
 *     exclude_dependencies = false                  # optional: also exclude the unit's dependencies
 *     no_run               = false                  # optional: Terragrunt also refuses a direct run
 *   }
 *
 * Semantics as in Terragrunt's `config/exclude.go` and its queue: an action is listed when
 * `actions` holds it (case-insensitive), "all", or "all_except_output" (any action but output).
 * A unit is excluded from an action when `if` is true and the action is listed; with
 * `exclude_dependencies = true` its direct dependencies are excluded from that action too. The
 * unit's own block overrides its includes' field by field (`actions` only when non-empty).
 * Pure functions over plain data.
 */
import type { Location } from './evaluate.js';

/** The effective `exclude` block of a unit (merged over its includes). */
export interface ExcludeConfig {
  if: boolean;
  /** As written (lower-cased). */
  actions: string[];
  excludeDependencies: boolean;
  noRun: boolean;
}

/** An `exclude` block as one file sets it (undefined: not set in that file). */
export interface ExcludeBlock {
  if: boolean | undefined;
  actions: string[] | undefined;
  excludeDependencies: boolean | undefined;
  noRun: boolean | undefined;
  at: Location;
}

/** Terragrunt's `Merge`: the later block (the unit, after its includes) overrides. */
export function mergeExclude(base: ExcludeBlock | undefined, over: ExcludeBlock): ExcludeBlock {
  if (base === undefined) return over;
  return {
    if: over.if ?? base.if,
    actions: over.actions !== undefined && over.actions.length > 0 ? over.actions : base.actions,
    excludeDependencies: over.excludeDependencies ?? base.excludeDependencies,
    noRun: over.noRun ?? base.noRun,
    at: over.at,
  };
}

/** Whether `action` (a terragrunt command such as plan, apply, destroy) is listed. */
export function isActionListed(actions: readonly string[], action: string): boolean {
  const a = action.toLowerCase();
  return actions.some(
    (x) => x === 'all' || (x === 'all_except_output' && a !== 'output') || x === a,
  );
}

/** Whether the block leaves the unit itself out of `action`. */
export function excludes(e: ExcludeConfig | undefined, action: string): boolean {
  return e?.if === true && isActionListed(e.actions, action);
}

/** The actions infra-ci runs. `destroy` is a deleted unit's destroy (planned with `plan -destroy`). */
export type QueueAction = 'plan' | 'apply' | 'destroy';

/** What exclusion needs of a unit graph: per unit id, its dependencies and exclude block. */
export interface ExcludeGraph {
  units: Record<string, { dependencies: string[]; exclude?: ExcludeConfig | undefined }>;
}

/**
 * Units of `selected` excluded from `action`, each with the unit whose exclude block excludes it
 * (itself, or a dependent with `exclude_dependencies = true`; itself preferred, then the first
 * by id). Unit ids are folder paths relative to the repository root.
 */
export function excludedUnits(
  graph: ExcludeGraph,
  action: QueueAction,
  selected: Iterable<string>,
): Map<string, string> {
  const sel = new Set(selected);
  const out = new Map<string, string>();
  const ids = Object.keys(graph.units).sort();
  for (const id of ids) {
    if (sel.has(id) && excludes(graph.units[id]?.exclude, action)) out.set(id, id);
  }
  for (const id of ids) {
    const u = graph.units[id];
    if (u === undefined || !excludes(u.exclude, action) || !u.exclude?.excludeDependencies)
      continue;
    for (const d of u.dependencies) if (sel.has(d) && !out.has(d)) out.set(d, id);
  }
  return out;
}
