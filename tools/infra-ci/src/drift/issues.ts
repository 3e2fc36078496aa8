/**
 * The issue lifecycle of drift: exactly one open issue per drifted unit. Pure decisions over the
 * run's results and the open issues; src/github/issues.ts carries them out.
 *
 * An issue is ours when it carries the label DRIFT_LABEL and, in its body, the hidden marker
 * `<!-- infra-ci:drift unit=<unit id> -->` (unit ids are folder paths relative to the repository
 * root). Per unit:
 *   drifted  → update the open issue (body replaced: resources, run link, last seen), or create one
 *   in-sync  → close the open issue ("back in sync")
 *   error    → leave it alone: an error says nothing about drift
 *   not planned this run (another slice, or excluded from plan) → leave it alone
 *   gone from the tree → close it ("unit deleted")
 * Two open issues for one unit (a lost race, a hand copy): the oldest is kept, the others closed
 * as duplicates pointing to it.
 */
import type { ResourceChange } from '../plan/bundle.js';
import type { UnitDrift } from './state.js';

export const DRIFT_LABEL = 'infra-drift';
const MARKER = /<!-- infra-ci:drift unit=([^\s>]+) -->/;
/** Unit ids are folder names: percent-encoded in the marker (slashes kept) so any name fits. */
const encode = (unit: string): string => encodeURIComponent(unit).replace(/%2F/g, '/');
const FIRST_SEEN = /<!-- infra-ci:drift-first-seen ([0-9TZ:.-]+) -->/;
/** Rows of the resource table before the rest is summarised (GitHub caps a body at 65,536). */
const MAX_ROWS = 300;

export const markerOf = (unit: string): string => `<!-- infra-ci:drift unit=${encode(unit)} -->`;

/** The unit an issue body is about, from its marker; undefined when it has none. */
export function unitOfBody(body: string): string | undefined {
  const m = MARKER.exec(body)?.[1];
  if (m === undefined) return undefined;
  try {
    return decodeURIComponent(m);
  } catch {
    return undefined; // not a marker we wrote
  }
}

export interface OpenIssue {
  number: number;
  body: string;
}

export type IssueAction =
  | { kind: 'create'; unit: string; title: string; body: string }
  | { kind: 'update'; unit: string; number: number; body: string }
  | {
      kind: 'close';
      unit: string;
      number: number;
      reason: 'in-sync' | 'deleted' | 'duplicate';
      comment: string;
    };

export interface IssueContext {
  /** Link to the workflow run, when known. */
  runUrl?: string | undefined;
  /** ISO time of this run. */
  now: string;
  /**
   * The units' root folder relative to the repository root ("" = everything). Issues of units
   * outside it are not this run's business: left alone, never closed as deleted.
   */
  root?: string;
}

export interface IssueDecisions {
  actions: IssueAction[];
  /** Open issues left as they are, and why (unit in error, not planned this run). */
  untouched: { unit: string; number: number; why: string }[];
  /** Actions left for the next run by the write budget (see `withinWriteBudget`). */
  deferred?: IssueAction[];
}

/** Writes (POST/PATCH) an action costs: a close is a comment and a PATCH. */
export const writesOf = (a: IssueAction): number => (a.kind === 'close' ? 2 : 1);
const ORDER: Record<IssueAction['kind'], number> = { close: 0, create: 1, update: 2 };

/**
 * At most `maxWrites` writes per run: GitHub's secondary rate limits allow ~80 content-creating
 * requests a minute and 500 an hour (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api),
 * and a provider upgrade can make every unit drift at once. Closes go first (duplicates and
 * resolved drift), then creates (new drift must be seen), then updates (an open issue already
 * says the unit drifted); the rest is deferred to the next run, never dropped silently.
 */
export function withinWriteBudget(d: IssueDecisions, maxWrites: number): IssueDecisions {
  const sorted = [...d.actions].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  const actions: IssueAction[] = [];
  const deferred: IssueAction[] = [];
  let used = 0;
  for (const a of sorted) {
    if (used + writesOf(a) <= maxWrites) {
      actions.push(a);
      used += writesOf(a);
    } else deferred.push(a);
  }
  return { ...d, actions, deferred };
}

const cell = (s: string): string => s.replace(/[|`\\]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
/** A code span in a table cell: no backtick inside, `|` escaped (GitHub splits cells on it). */
const code = (s: string): string => `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

function table(rows: readonly ResourceChange[]): string[] {
  const lines = ['| resource | actions |', '|---|---|'];
  for (const r of rows.slice(0, MAX_ROWS))
    lines.push(`| ${code(r.address)} | ${r.actions.join(', ')} |`);
  if (rows.length > MAX_ROWS) lines.push(`| … ${rows.length - MAX_ROWS} more | |`);
  return lines;
}

export const issueTitle = (unit: string): string => `Drift: ${unit}`;

/** The body of a drifted unit's issue (the marker first). `firstSeen` is kept across updates. */
export function issueBody(d: UnitDrift, ctx: IssueContext, firstSeen: string): string {
  const run = ctx.runUrl ? `[this run](${ctx.runUrl})` : 'a run of `infra-ci drift`';
  const lines = [
    markerOf(d.unit),
    `<!-- infra-ci:drift-first-seen ${firstSeen} -->`,
    `The live infrastructure of \`${d.unit}\` differs from its configuration on the default branch: a read-only plan (\`terragrunt plan -lock=false\`) would change ${d.resources.length} resource(s).`,
    '',
    ...table(d.resources),
    '',
    `First seen ${firstSeen}; last seen ${ctx.now} by ${run}.`,
  ];
  if (d.ignored.length > 0) {
    lines.push(
      '',
      `Ignored as known drift (\`local.infra_ci_drift\`: ${cell(d.ignoreReason ?? '')}): ${d.ignored.map((r) => `\`${cell(r.address)}\``).join(', ')}`,
    );
  }
  lines.push(
    '',
    "To resolve: apply the configuration through a pull request (the change outside Git is undone), or change the configuration to match and merge it; or, if the drift is expected, list it in the unit's `local.infra_ci_drift` with a reason. This issue is closed automatically once a plan of the unit shows no changes. Nothing is ever applied by the drift job.",
  );
  return lines.join('\n');
}

/**
 * What to do with GitHub issues after a drift run.
 * @param results the units planned in this run
 * @param allUnits every unit id in the tree (planned or not)
 * @param open open issues carrying DRIFT_LABEL
 */
export function decideIssues(
  results: readonly UnitDrift[],
  allUnits: ReadonlySet<string>,
  open: readonly OpenIssue[],
  ctx: IssueContext,
): IssueDecisions {
  const byUnit = new Map<string, OpenIssue[]>();
  for (const issue of [...open].sort((a, b) => a.number - b.number)) {
    const unit = unitOfBody(issue.body);
    if (unit === undefined) continue; // labelled by hand, not ours
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), issue]);
  }
  const actions: IssueAction[] = [];
  const untouched: IssueDecisions['untouched'] = [];
  for (const [unit, [keep, ...dups]] of byUnit) {
    for (const d of dups) {
      actions.push({
        kind: 'close',
        unit,
        number: d.number,
        reason: 'duplicate',
        comment: `Duplicate of #${keep?.number}: one issue per drifted unit.`,
      });
    }
  }
  const planned = new Map(results.map((r) => [r.unit, r]));
  for (const r of [...results].sort((a, b) => a.unit.localeCompare(b.unit))) {
    const issue = byUnit.get(r.unit)?.[0];
    if (r.state === 'drifted') {
      const firstSeen = (issue && FIRST_SEEN.exec(issue.body)?.[1]) || ctx.now;
      const body = issueBody(r, ctx, firstSeen);
      actions.push(
        issue === undefined
          ? { kind: 'create', unit: r.unit, title: issueTitle(r.unit), body }
          : { kind: 'update', unit: r.unit, number: issue.number, body },
      );
    } else if (issue !== undefined && r.state === 'in-sync') {
      actions.push({
        kind: 'close',
        unit: r.unit,
        number: issue.number,
        reason: 'in-sync',
        comment: `Back in sync: a plan of \`${r.unit}\` shows no drift (${ctx.now}${ctx.runUrl ? `, ${ctx.runUrl}` : ''}).`,
      });
    } else if (issue !== undefined) {
      untouched.push({ unit: r.unit, number: issue.number, why: 'plan error this run' });
    }
  }
  const prefix = ctx.root ? `${ctx.root}/` : '';
  for (const [unit, [issue]] of byUnit) {
    if (issue === undefined || planned.has(unit)) continue;
    if (!unit.startsWith(prefix)) {
      untouched.push({ unit, number: issue.number, why: `outside ${ctx.root}` });
    } else if (!allUnits.has(unit)) {
      actions.push({
        kind: 'close',
        unit,
        number: issue.number,
        reason: 'deleted',
        comment: `The unit \`${unit}\` no longer exists on the default branch (${ctx.now}): nothing left to drift.`,
      });
    } else {
      untouched.push({ unit, number: issue.number, why: 'not planned this run' });
    }
  }
  return { actions, untouched };
}
