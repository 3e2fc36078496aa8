import { applyWaves, destroyWaves, reachable, reverse } from '../graph/dag.js';
import { excludedUnits } from '../terragrunt/exclude.js';
import type { Unit, UnitGraph } from '../terragrunt/load.js';
import { globToRegExp } from '../terragrunt/paths.js';

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
  /**
   * Why each changed unit is changed, one line each: new, owns a changed file, reads one (at head
   * or at the base), or its reads are not known (the rule: never a silent "nothing changed").
   */
  reasons: Record<string, string>;
  /**
   * Why each dependent is listed: the chain of dependencies to the nearest changed unit
   * ("depends on A (changed)", "depends on B, which depends on A (changed)").
   */
  dependentReasons: Record<string, string>;
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

export const STATUS: Record<FileChange['status'], string> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type changed',
};

/** Each changed path (old paths of renames too) with what happened to it. */
export function changedPaths(changedFiles: FileChange[]): Map<string, string> {
  const what = new Map<string, string>();
  for (const c of changedFiles) {
    what.set(c.path, STATUS[c.status] ?? c.status);
    if (c.from !== undefined)
      what.set(c.from, c.status === 'R' ? `renamed to ${c.path}` : 'copied');
  }
  return what;
}

/**
 * The first changed path a unit depends on (module folders, reads, probes, globs), if any: a file
 * of a local module source says which module; any other file it reads (an included `_common`
 * file, a `read_terragrunt_config`, a var file, a `file()`…) is "reads".
 */
export function touched(u: Unit, paths: Map<string, string>): string | undefined {
  // Few changed paths, many units: scan the paths, allocate nothing per unit.
  for (const [p, what] of paths) {
    const mod = u.moduleDirs.find((d) => d === '' || p.startsWith(`${d}/`));
    if (mod !== undefined) return `module source ${mod || '.'}: ${p} (${what})`;
    if (u.reads.includes(p) || u.globs?.some((g) => globToRegExp(g).test(p)))
      return `reads ${p} (${what})`;
    // A probe depends on existence only: an added, deleted or renamed path, or a file added or
    // deleted under a probed folder (the folder may appear or disappear with it).
    if (what !== 'modified' && u.probes?.some((q) => q === p || p.startsWith(`${q}/`)))
      return `looks for ${p} (${what})`;
  }
  return undefined;
}

const unknownWhy = (u: Unit): string | undefined => {
  const [first, ...more] = u.unknown ?? [];
  if (first === undefined) return undefined;
  return `${first}${more.length > 0 ? ` (+${more.length} more)` : ''}`;
};

/** Why unit `u` (at head; `b` the same unit at the base) is changed, or undefined. */
function reasonFor(
  u: Unit,
  b: Unit | undefined,
  owned: Map<string, string>,
  paths: Map<string, string>,
): string | undefined {
  if (b === undefined) return 'new unit';
  const own = owned.get(u.id);
  if (own !== undefined) return `changes ${own}`;
  const unknown = unknownWhy(u);
  if (unknown !== undefined) return `reads not known: ${unknown}`;
  const head = touched(u, paths);
  if (head !== undefined) return head;
  const base = touched(b, paths);
  if (base !== undefined) return `at the base: ${base}`;
  const baseUnknown = unknownWhy(b);
  if (baseUnknown !== undefined) return `reads at the base not known: ${baseUnknown}`;
  return undefined;
}

const depsOf = (g: UnitGraph): Record<string, string[]> =>
  Object.fromEntries(Object.values(g.units).map((u) => [u.id, u.dependencies]));

/** Pure change detection (rules in docs/change-detection.md). */
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

  const what = changedPaths(changedFiles);
  const owned = new Map<string, string>();
  for (const p of [...paths].sort()) {
    const owner = owningUnit(p, headIds);
    if (owner !== undefined && !owned.has(owner)) owned.set(owner, `${p} (${what.get(p)})`);
  }
  const reasons: Record<string, string> = {};
  for (const u of Object.values(unitsAtHead.units)) {
    const why = reasonFor(u, unitsAtBase.units[u.id], owned, what);
    if (why !== undefined) reasons[u.id] = why;
  }
  const changed = new Set(Object.keys(reasons));
  const destroyed = [...baseIds].filter((id) => !headIds.has(id)).sort();
  const moved = changedFiles
    .filter((c) => c.status === 'R' && c.from?.endsWith(TG) && c.path.endsWith(TG))
    .map((c) => ({
      from: (c.from as string).slice(0, -TG.length),
      to: c.path.slice(0, -TG.length),
    }))
    .filter((m) => destroyed.includes(m.from) && changed.has(m.to))
    .sort((a, b) => a.from.localeCompare(b.from));
  for (const m of moved) reasons[m.to] = `moved from ${m.from}`;

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
  const dependentReasons = Object.fromEntries(
    dependents.map((d) => [d, chainTo(d, headDeps, changed)]),
  );
  return {
    changed: [...changed].sort(),
    destroyed,
    moved,
    dependents,
    applyWaves: applyWaves(headDeps, changed),
    destroyWaves: destroyWaves(depsOf(unitsAtBase), destroyed),
    excluded,
    reasons: Object.fromEntries(
      Object.keys(reasons)
        .sort()
        .map((k) => [k, reasons[k] as string]),
    ),
    dependentReasons,
  };
}

/**
 * The shortest chain of dependencies from `unit` to a changed unit (breadth first, dependencies
 * in sorted order, so the answer is stable), as a sentence. Pure.
 */
export function chainTo(
  unit: string,
  deps: Record<string, string[]>,
  changed: Set<string>,
): string {
  const from = new Map<string, string>();
  const queue = [unit];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i] as string;
    for (const d of [...(deps[u] ?? [])].sort()) {
      if (from.has(d) || d === unit) continue;
      from.set(d, u);
      if (changed.has(d)) {
        const path = [d];
        for (let x = u; x !== unit; x = from.get(x) as string) path.unshift(x);
        const [first, ...rest] = path;
        return `depends on ${[first, ...rest.map((r) => `which depends on ${r}`)].join(', ')} (changed)`;
      }
      queue.push(d);
    }
  }
  return 'depends on a changed unit';
}
