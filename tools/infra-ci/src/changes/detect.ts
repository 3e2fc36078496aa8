import { applyWaves, destroyWaves, reachable, reverse } from '../graph/dag.js';
import { excludedUnits } from '../terragrunt/exclude.js';
import type { UnitGraph } from '../terragrunt/load.js';

/** A changed path from `git diff --name-status -M` (paths relative to the repository root). */
export interface FileChange {
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T';
  path: string;
  /** For renames/copies: the old path. */
  from?: string;
}

/** Result of change detection. Every unit id is a folder path relative to the repository root. */
export interface ChangeSet {
  changed: string[];
  destroyed: string[];
  moved: { from: string; to: string }[];
  dependents: string[];
  applyWaves: string[][];
  destroyWaves: string[][];
  /**
   * Units left out by `exclude` blocks (theirs, or a dependent's with exclude_dependencies):
   * `plan` — changed or destroyed units not planned; `apply` — changed units planned but not
   * applied (applied by hand); `destroy` — destroyed units planned but not destroyed (a unit not
   * planned is listed under `plan` only). Head config
   * for changed units, base config for destroyed ones. Sorted.
   */
  excluded: { plan: string[]; apply: string[]; destroy: string[] };
}

export interface ChangeInput {
  changedFiles: FileChange[];
  unitsAtBase: UnitGraph;
  unitsAtHead: UnitGraph;
}

const TG = '/terragrunt.hcl';

/** Nearest unit folder containing `file`, among `ids` (unit ids relative to the repository root). */
function owningUnit(file: string, ids: Set<string>): string | undefined {
  let d = file;
  while (d.includes('/')) {
    d = d.slice(0, d.lastIndexOf('/'));
    if (ids.has(d)) return d;
  }
  return ids.has('') ? '' : undefined;
}

const depsOf = (g: UnitGraph): Record<string, string[]> =>
  Object.fromEntries(Object.values(g.units).map((u) => [u.id, u.dependencies]));

/** Pure change detection (rules in README "Change detection"). */
export function detectChangesPure({
  changedFiles,
  unitsAtBase,
  unitsAtHead,
}: ChangeInput): ChangeSet {
  const paths = new Set<string>();
  for (const c of changedFiles) {
    paths.add(c.path);
    if (c.from !== undefined) paths.add(c.from);
  }
  const headIds = new Set(Object.keys(unitsAtHead.units));
  const baseIds = new Set(Object.keys(unitsAtBase.units));

  const changed = new Set<string>();
  for (const id of headIds) if (!baseIds.has(id)) changed.add(id);
  for (const p of paths) {
    const owner = owningUnit(p, headIds);
    if (owner !== undefined) changed.add(owner);
  }
  for (const u of Object.values(unitsAtHead.units)) {
    if (changed.has(u.id)) continue;
    const prefixes = u.moduleDirs.map((d) => (d === '' ? '' : `${d}/`));
    const reads = new Set(u.reads);
    for (const p of paths) {
      if (reads.has(p) || prefixes.some((pre) => p.startsWith(pre))) {
        changed.add(u.id);
        break;
      }
    }
  }
  const destroyed = [...baseIds].filter((id) => !headIds.has(id)).sort();
  const moved = changedFiles
    .filter((c) => c.status === 'R' && c.from?.endsWith(TG) && c.path.endsWith(TG))
    .map((c) => ({
      from: (c.from as string).slice(0, -TG.length),
      to: c.path.slice(0, -TG.length),
    }))
    .filter((m) => destroyed.includes(m.from) && changed.has(m.to))
    .sort((a, b) => a.from.localeCompare(b.from));

  const planAtHead = excludedUnits(unitsAtHead, 'plan', changed);
  const planAtBase = excludedUnits(unitsAtBase, 'plan', destroyed);
  /** Excluded from `action` but planned (a unit not planned is listed under plan only). */
  const byHand = (m: Map<string, string>, notPlanned: Map<string, string>): string[] =>
    [...m.keys()].filter((u) => !notPlanned.has(u)).sort();
  const excluded = {
    plan: [...new Set([...planAtHead.keys(), ...planAtBase.keys()])].sort(),
    apply: byHand(excludedUnits(unitsAtHead, 'apply', changed), planAtHead),
    destroy: byHand(excludedUnits(unitsAtBase, 'destroy', destroyed), planAtBase),
  };
  const headDeps = depsOf(unitsAtHead);
  const dependents = [...reachable(reverse(headDeps), changed)]
    .filter((u) => !changed.has(u))
    .sort();
  return {
    changed: [...changed].sort(),
    destroyed,
    moved,
    dependents,
    applyWaves: applyWaves(headDeps, changed),
    destroyWaves: destroyWaves(depsOf(unitsAtBase), destroyed),
    excluded,
  };
}
