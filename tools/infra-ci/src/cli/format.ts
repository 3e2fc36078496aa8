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
    'reasons',
    'dependentReasons',
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
    list(
      'dependents (not changed, depend on changed units)',
      c.dependents.map((u) => `${u}: ${c.dependentReasons[u] ?? ''}`),
    ),
    waves('apply order', c.applyWaves),
    waves('destroy order', c.destroyWaves),
    list('excluded from plan (exclude blocks)', c.excluded.plan),
    list('excluded from apply (exclude blocks: apply by hand)', c.excluded.apply),
    list('excluded from destroy (exclude blocks: destroy by hand)', c.excluded.destroy),
    list(
      'why (one line per changed unit)',
      c.changed.map((u) => `${u}: ${c.reasons[u] ?? ''}`),
    ),
  ].join('');
}

/**
 * One log line per changed unit for the Actions log; a unit whose reads are not known is a
 * `::warning` annotation, so the reason shows on the run page.
 */
export function changesGithubLog(c: ChangeSet): string {
  return c.changed
    .map((u) => {
      const why = c.reasons[u] ?? '';
      const line = `${u}: ${why}`;
      return /^reads (at the base )?not known/.test(why)
        ? `::warning title=infra-ci: changed because its reads are not known::${line.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`
        : `${line}\n`;
    })
    .join('');
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
