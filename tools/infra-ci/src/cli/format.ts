import type { ChangeSet } from '../changes/detect.js';
import type { UnitGraph } from '../terragrunt/load.js';

/** JSON with every key present and arrays already sorted by detectChanges. */
export function changesJson(c: ChangeSet): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

/** Lines for $GITHUB_OUTPUT: `key=<compact json>` per field. */
export function changesGithubOutput(c: ChangeSet): string {
  const keys: (keyof ChangeSet)[] = [
    'changed',
    'destroyed',
    'moved',
    'dependents',
    'applyWaves',
    'destroyWaves',
    'excluded',
  ];
  return keys.map((k) => `${k}=${JSON.stringify(c[k])}\n`).join('');
}

export function changesText(c: ChangeSet): string {
  const list = (title: string, items: string[]): string =>
    `${title} (${items.length}):\n${items.map((i) => `  ${i}\n`).join('') || '  (none)\n'}`;
  const waves = (title: string, ws: string[][]): string =>
    `${title}:\n${ws.map((w, i) => `  wave ${i + 1}: ${w.join(', ')}\n`).join('') || '  (none)\n'}`;
  return [
    list('changed', c.changed),
    list('destroyed', c.destroyed),
    list(
      'moved',
      c.moved.map((m) => `${m.from} -> ${m.to}`),
    ),
    list('dependents (not changed, depend on changed units)', c.dependents),
    waves('apply order', c.applyWaves),
    waves('destroy order', c.destroyWaves),
    list('excluded from plan (exclude blocks)', c.excluded.plan),
    list('excluded from apply (exclude blocks: apply by hand)', c.excluded.apply),
    list('excluded from destroy (exclude blocks: destroy by hand)', c.excluded.destroy),
  ].join('');
}

export function graphJson(g: UnitGraph): string {
  return `${JSON.stringify(g, null, 2)}\n`;
}

/** Mermaid flowchart: an arrow from each unit to what it depends on. */
export function graphMermaid(g: UnitGraph): string {
  const ids = Object.keys(g.units).sort();
  const n = new Map(ids.map((id, i) => [id, `u${i}`]));
  const lines = ['graph TD'];
  for (const id of ids) lines.push(`  ${n.get(id)}["${id}"]`);
  for (const id of ids) {
    for (const d of g.units[id]?.dependencies ?? []) lines.push(`  ${n.get(id)} --> ${n.get(d)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function graphDot(g: UnitGraph): string {
  const lines = ['digraph units {'];
  for (const id of Object.keys(g.units).sort()) {
    lines.push(`  "${id}";`);
    for (const d of g.units[id]?.dependencies ?? []) lines.push(`  "${id}" -> "${d}";`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
