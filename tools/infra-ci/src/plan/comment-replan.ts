/**
 * The PR comment `infra-ci apply` posts when plans made at merge differ from the reviewed ones
 * (marker REPLAN_MARKER, updated in place). Pure.
 */
import type { Changes, ResourceChange } from './bundle.js';
import { COMMENT_MAX, REPLAN_MARKER } from './summary.js';

/** A unit whose plan made at merge differs from the reviewed one. */
export interface Differs {
  unit: string;
  fresh: Changes;
  reviewed: Changes;
  /**
   * `merge`: re-planned before any apply, with main's code (the reviewed plan was made by the PR's
   * own code); `upstream`: re-planned in its wave, after a dependency changed in the same PR was
   * applied (its PR plan used mock or stale outputs).
   */
  when: 'merge' | 'upstream';
}

const code = (s: string): string => `\`${s.replaceAll('`', "'")}\``;

/** A resource's line, then its changed attributes (masked, shortened) as a nested list. */
function resourceItem(r: ResourceChange): string {
  const attrs = (r.attrs ?? []).map(
    (a) => `  - ${code(a.path)}: ${code(a.before ?? 'null')} → ${code(a.after ?? 'null')}`,
  );
  const more = r.omitted === undefined ? [] : [`  - … ${r.omitted} more attribute change(s)`];
  return [`- ${code(r.address)}: ${r.actions.join(', ')}`, ...attrs, ...more].join('\n');
}

/** Resources of a plan, at most `budget` characters (a line says what was left out). */
function list(c: Changes, budget: number): string[] {
  if (c.resources.length === 0) return ['- (no resource changes)'];
  const lines: string[] = [];
  let used = 0;
  for (const [i, r] of c.resources.entries()) {
    const item = resourceItem(r);
    if (used + item.length + 1 > budget) {
      lines.push(`- … and ${c.resources.length - i} more (see the apply job's log)`);
      break;
    }
    lines.push(item);
    used += item.length + 1;
  }
  return lines;
}

/**
 * Addresses whose change is not the same in both plans (actions; with `attributes` also the
 * changed attributes, as orchestrate/replan.ts compares them), sorted.
 */
export function differingAddresses(a: Changes, b: Changes, attributes: boolean): string[] {
  const key = (r: ResourceChange) =>
    JSON.stringify([r.actions, ...(attributes ? [r.attrs ?? [], r.attrsDigest ?? ''] : [])]);
  const ka = new Map(a.resources.map((r) => [r.address, key(r)]));
  const kb = new Map(b.resources.map((r) => [r.address, key(r)]));
  return [...new Set([...ka.keys(), ...kb.keys()])].filter((x) => ka.get(x) !== kb.get(x)).sort();
}

/** Which resources differ, at most 20 named. */
function differsLine(d: Differs): string {
  const xs = differingAddresses(d.fresh, d.reviewed, d.when === 'merge');
  if (xs.length === 0)
    return '**Differs in**: the order-insensitive comparison only (no single resource).';
  const named = xs.slice(0, 20).map(code).join(', ');
  return `**Differs in** ${xs.length} resource(s): ${named}${xs.length > 20 ? ', …' : ''}.`;
}

const WHY: Record<Differs['when'], string> = {
  merge:
    "re-planned at merge with main's code before anything was applied: its resource changes differ from the reviewed plan (which the PR's own code produced). Nothing was applied.",
  upstream:
    'planned on the PR with mock or stale outputs of a dependency changed in the same PR; re-planned after that dependency was applied, its resource changes differ from the reviewed plan. It was not applied and no later wave or destroy ran.',
};

/** The comment: per differing unit, why, the fresh plan and the reviewed one; within `maxChars`. */
export function renderReplanReview(
  x: { mergeCommit: string; differs: Differs[] },
  maxChars = COMMENT_MAX,
): string {
  const units = x.differs.map((d) => code(d.unit)).join(', ');
  const head = [
    REPLAN_MARKER,
    `### infra-ci apply stopped at ${code(x.mergeCommit.slice(0, 7))}: ${units} need${x.differs.length === 1 ? 's' : ''} review`,
    '',
    'Review the fresh plan(s) below. To go on, open a follow-up PR touching the unit(s): its plan is made on top of main. Re-running this apply stops again.',
    '',
  ];
  // Each unit's two lists share what is left after the text.
  const budget = Math.max(0, (maxChars - 1_500 - 600 * x.differs.length) / (2 * x.differs.length));
  const body = x.differs.flatMap((d) => [
    `#### ${code(d.unit)}`,
    '',
    `${code(d.unit)} was ${WHY[d.when]}`,
    '',
    differsLine(d),
    '',
    `**Fresh plan** (+${d.fresh.add} ~${d.fresh.change} -${d.fresh.destroy}):`,
    '',
    ...list(d.fresh, budget),
    '',
    `**Reviewed plan** (+${d.reviewed.add} ~${d.reviewed.change} -${d.reviewed.destroy}):`,
    '',
    ...list(d.reviewed, budget),
    '',
  ]);
  const text = [...head, ...body].join('\n');
  return text.length <= maxChars
    ? text
    : `${text.slice(0, maxChars - 80)}\n\n_…truncated; the apply job's log has it all._\n`;
}
