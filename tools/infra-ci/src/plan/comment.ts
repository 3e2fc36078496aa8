/**
 * The plan PR comment a reviewer reads (issue #19): the summary table (summary.ts), the dependency
 * graph of the changed units as a mermaid block (GitHub renders ```mermaid), and per unit a folded
 * <details> with each resource change and its attribute-level diff (sensitive values already
 * masked by comment-diff.ts). Capped at `maxChars` (GitHub rejects comments over 65,536
 * characters), with a line pointing at the artifact when something is left out. Pure.
 */
import type { ResourceChange } from './bundle.js';
import { COMMENT_MAX, type PlanReport, type PlanRow, renderPlanSummary } from './summary.js';

export interface PlanCommentInput {
  report: PlanReport;
  /**
   * Dependencies (unit id → unit ids it depends on; ids relative to the repository root): the head
   * graph, plus the base graph's entries for destroyed units.
   */
  deps: Record<string, string[]>;
  /** Name of the plan artifact (`infra-plans-<head sha>`), for "see the artifact". */
  artifact: string;
}

/** What happens to this plan at merge (orchestrate/replan.ts), for the reviewer. */
export const MERGE_NOTE =
  "_On merge, `infra-ci apply` plans every unit again with main's code and applies a unit only when its resource changes equal the ones shown here; otherwise nothing is applied and the fresh plans are posted on this PR._";

/** Most nodes drawn in the graph; beyond, the graph is left out with a note (unreadable anyway). */
export const GRAPH_MAX_NODES = 80;

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Longest common folder prefix of ids ("a/b/" for a/b/c and a/b/d), stripped from labels. */
function commonFolder(ids: string[]): string {
  if (ids.length < 2)
    return ids[0]?.includes('/') ? ids[0].slice(0, ids[0].lastIndexOf('/') + 1) : '';
  const parts = ids.map((i) => i.split('/'));
  const first = parts[0] as string[];
  let n = 0;
  while (n < first.length - 1 && parts.every((p) => p.length - 1 > n && p[n] === first[n])) n++;
  return n === 0 ? '' : `${first.slice(0, n).join('/')}/`;
}

/**
 * Mermaid flowchart of the changed units, their direct dependencies and direct dependents: an
 * arrow from a unit to what it depends on; changed units in class `changed`, destroyed ones in
 * `destroyed`, neighbours plain. Empty when nothing changed.
 */
export function renderPlanGraph(rows: PlanRow[], deps: Record<string, string[]>): string[] {
  const destroyed = new Set(rows.filter((r) => r.kind === 'destroy').map((r) => r.unit));
  const changed = new Set(rows.filter((r) => r.kind === 'apply').map((r) => r.unit));
  const touched = new Set([...changed, ...destroyed]);
  if (touched.size === 0) return [];
  const nodes = new Set(touched);
  for (const [u, ds] of Object.entries(deps)) {
    for (const d of ds) {
      if (touched.has(u)) nodes.add(d);
      if (touched.has(d)) nodes.add(u);
    }
  }
  const ids = [...nodes].sort();
  if (ids.length > GRAPH_MAX_NODES) {
    return [
      `_Dependency graph left out: ${ids.length} units is more than ${GRAPH_MAX_NODES}._`,
      '',
    ];
  }
  const prefix = commonFolder(ids);
  const n = new Map(ids.map((id, i) => [id, `u${i}`]));
  const lines = ['```mermaid', 'graph LR'];
  for (const id of ids) {
    const label = id.slice(prefix.length).replaceAll('"', '#quot;');
    const cls = destroyed.has(id) ? ':::destroyed' : changed.has(id) ? ':::changed' : '';
    lines.push(`  ${n.get(id)}["${label}"]${cls}`);
  }
  for (const id of ids) {
    for (const d of [...(deps[id] ?? [])].sort()) {
      if (n.has(d) && (touched.has(id) || touched.has(d)))
        lines.push(`  ${n.get(id)} --> ${n.get(d)}`);
    }
  }
  lines.push(
    '  classDef changed fill:#fff3b0,stroke:#b7791f,stroke-width:2px',
    '  classDef destroyed fill:#fed7d7,stroke:#c53030,stroke-width:2px,stroke-dasharray:4 2',
    '```',
  );
  const root = prefix === '' ? '' : ` (under \`${prefix}\`)`;
  return [
    `**Dependency graph**${root}: arrows point to what a unit depends on; highlighted: changed (yellow), destroyed (red); plain: unchanged neighbours.`,
    '',
    ...lines,
    '',
  ];
}

const SIGN: Record<string, string> = { create: '+', update: '~', delete: '-' };

/** `+`, `~`, `-` or `-/+` (replace) for a resource's actions. */
function signOf(actions: string[]): string {
  if (actions.includes('delete') && actions.includes('create')) return '-/+';
  return SIGN[actions[0] ?? ''] ?? '?';
}

/** Diff lines of one resource: its header, then one line per changed attribute. */
export function resourceLines(r: ResourceChange): string[] {
  const sign = signOf(r.actions);
  const lines = [`${sign} ${r.address} (${r.actions.join(', ')})`];
  for (const a of r.attrs ?? []) {
    const before = a.before ?? 'null';
    const after = a.after ?? 'null';
    const body =
      a.before === undefined
        ? `${a.path} = ${after}`
        : a.after === undefined
          ? `${a.path} = ${before} -> null`
          : `${a.path}: ${before} -> ${after}`;
    const s = a.before === undefined ? '+' : a.after === undefined ? '-' : '~';
    lines.push(`    ${s} ${body}`);
  }
  if (r.omitted !== undefined) lines.push(`    … ${r.omitted} more attribute change(s)`);
  return lines;
}

/** A code fence longer than any backtick run in `text`. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/**
 * One unit's folded block: summary line, then a ```diff block of its resources; longer than
 * `maxChars`, the diff is cut at a line and says so (`artifact`: where the rest is).
 */
export function unitDetails(
  row: PlanRow,
  maxChars = Number.POSITIVE_INFINITY,
  artifact = '',
): string[] {
  const c = row.changes;
  if (c === undefined || c.resources.length === 0) return [];
  const all = c.resources.flatMap(resourceLines);
  const head = `<details><summary><code>${esc(row.unit)}</code> (${row.kind}): +${c.add} ~${c.change} -${c.destroy}</summary>`;
  const note = `… truncated, see the artifact ${artifact} (manifest.json) for the rest`;
  const budget = maxChars - head.length - note.length - 40;
  let kept = all.length;
  if (all.join('\n').length > budget) {
    let len = 0;
    kept = 0;
    while (kept < all.length && len + (all[kept] as string).length + 1 <= budget) {
      len += (all[kept] as string).length + 1;
      kept++;
    }
  }
  const body = [...all.slice(0, kept), ...(kept < all.length ? [note] : [])].join('\n');
  const fence = fenceFor(body);
  return [head, '', `${fence}diff`, body, fence, '', '</details>', ''];
}

/** The plan comment within `maxChars`: summary, graph, then per-unit details while they fit. */
export function renderPlanComment(input: PlanCommentInput, maxChars = COMMENT_MAX): string {
  const { report, deps, artifact } = input;
  // The table of summary.ts without its flat resource list: the details below replace it.
  const bare: PlanReport = {
    ...report,
    rows: report.rows.map((r) =>
      r.changes === undefined ? r : { ...r, changes: { ...r.changes, resources: [] } },
    ),
  };
  const cut = (left: number) =>
    `_…truncated to fit a GitHub comment: ${left} more unit(s) not shown here; see the job summary or the artifact \`${artifact}\` (manifest.json)._`;
  const reserve = cut(report.rows.length).length + 2;
  const summary = renderPlanSummary(bare, Math.floor((maxChars - reserve) * 0.6));
  const parts = [summary.trimEnd(), '', MERGE_NOTE, ''];
  let used = parts.join('\n').length;
  const graph = renderPlanGraph(report.rows, deps).join('\n');
  if (graph !== '' && used + graph.length + reserve <= maxChars) {
    parts.push(graph);
    used += graph.length + 1;
  }
  const units = report.rows.filter(
    (r) => r.status === 'planned' && (r.changes?.resources.length ?? 0) > 0,
  );
  if (units.length > 0) {
    parts.push('**Resource changes** (attribute values shortened, sensitive ones masked):', '');
    used += 80;
  }
  for (const [i, row] of units.entries()) {
    const room = maxChars - used - reserve - 1;
    const block = unitDetails(row, room, artifact).join('\n');
    // A unit is shown cut only when a useful part of it fits; else it and the rest are counted.
    if (block.length > room || (room < 1_000 && block.includes('… truncated'))) {
      parts.push(cut(units.length - i), '');
      break;
    }
    parts.push(block);
    used += block.length + 1;
  }
  const text = `${parts.join('\n').trimEnd()}\n`;
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 120)}\n\n${cut(0)}\n`;
}
