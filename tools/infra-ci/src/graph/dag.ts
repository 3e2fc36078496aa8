import { CliError } from '../errors.js';

/** Dependencies by unit id (folder path relative to the repository root). Pure data. */
export type Deps = Readonly<Record<string, readonly string[]>>;

/** A cycle as a list of unit ids (first repeated at the end), or undefined when acyclic. */
export function findCycle(deps: Deps): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (u: string): string[] | undefined => {
    state.set(u, 1);
    stack.push(u);
    for (const d of deps[u] ?? []) {
      const s = state.get(d);
      if (s === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (s === undefined) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(u, 2);
    return undefined;
  };
  for (const u of Object.keys(deps).sort()) {
    if (!state.has(u)) {
      const c = visit(u);
      if (c) return c;
    }
  }
  return undefined;
}

export function assertAcyclic(deps: Deps): void {
  const c = findCycle(deps);
  if (c) throw new CliError('cycle', `dependency cycle: ${c.join(' -> ')}`);
}

/**
 * Waves of `selected` units in dependency order (dependencies first), ordering through the whole
 * graph: if A (selected) → B (not) → C (selected), C's wave comes after A's. Each wave is sorted.
 */
export function applyWaves(deps: Deps, selected: Iterable<string>): string[][] {
  const sel = new Set(selected);
  const memo = new Map<string, number>();
  // h(u) = max over deps d of h(d) + [d selected]
  const h = (u: string): number => {
    const m = memo.get(u);
    if (m !== undefined) return m;
    let best = 0;
    for (const d of deps[u] ?? []) best = Math.max(best, h(d) + (sel.has(d) ? 1 : 0));
    memo.set(u, best);
    return best;
  };
  return group(sel, h);
}

/** Waves of `selected` units in reverse dependency order (dependents first), for destroy. */
export function destroyWaves(deps: Deps, selected: Iterable<string>): string[][] {
  return applyWaves(reverse(deps), selected);
}

/** Reverse edges: unit → units that depend on it. */
export function reverse(deps: Deps): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const u of Object.keys(deps)) out[u] = [];
  for (const [u, ds] of Object.entries(deps)) {
    for (const d of ds) {
      const list = out[d] ?? [];
      list.push(u);
      out[d] = list;
    }
  }
  return out;
}

/** Every unit reachable from `start` along `edges` (start excluded unless reached again). */
export function reachable(edges: Deps, start: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length > 0) {
    const u = todo.pop() as string;
    for (const n of edges[u] ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        todo.push(n);
      }
    }
  }
  return seen;
}

function group(sel: Set<string>, level: (u: string) => number): string[][] {
  const waves: string[][] = [];
  for (const u of sel) {
    const l = level(u);
    const w = waves[l] ?? [];
    w.push(u);
    waves[l] = w;
  }
  return waves.filter((w) => w !== undefined).map((w) => w.sort());
}
