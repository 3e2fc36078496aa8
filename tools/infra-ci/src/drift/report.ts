/**
 * The drift report: JSON (`--report`, `--format json`) and the markdown job summary that lists
 * every planned unit's state, errors in their own section. Pure.
 */
import type { IssueAction, IssueDecisions } from './issues.js';
import type { Slice } from './slice.js';
import type { DriftState, UnitDrift } from './state.js';

export interface DriftReport {
  version: 1;
  /** ISO time the run started. */
  startedAt: string;
  /** The slice planned; null: every unit. */
  slice: Slice | null;
  /** Units in the tree; `units` holds those planned this run. */
  totalUnits: number;
  counts: Record<DriftState, number>;
  /** One row per planned unit, sorted by unit id. */
  units: UnitDrift[];
  /** Units left out by an exclude block listing "plan" (unit → the unit whose block it is). */
  excluded: { unit: string; by: string }[];
  /** Units never planned by drift (`infra_ci_drift.skip = true`), with the reason: not checked. */
  skipped: { unit: string; reason: string }[];
  /** What happened to GitHub issues (`--issues`); absent otherwise. */
  issues?: {
    unit: string;
    number: number | null;
    action: IssueAction['kind'] | 'untouched' | 'deferred';
    why?: string;
  }[];
}

export function buildReport(input: {
  startedAt: string;
  slice: Slice | undefined;
  totalUnits: number;
  units: UnitDrift[];
  excluded: ReadonlyMap<string, string>;
  skipped?: ReadonlyMap<string, string>;
}): DriftReport {
  const units = [...input.units].sort((a, b) => a.unit.localeCompare(b.unit));
  const counts: Record<DriftState, number> = { 'in-sync': 0, drifted: 0, error: 0 };
  for (const u of units) counts[u.state] += 1;
  return {
    version: 1,
    startedAt: input.startedAt,
    slice: input.slice ?? null,
    totalUnits: input.totalUnits,
    counts,
    units,
    excluded: [...input.excluded]
      .map(([unit, by]) => ({ unit, by }))
      .sort((a, b) => a.unit.localeCompare(b.unit)),
    skipped: [...(input.skipped ?? [])]
      .map(([unit, reason]) => ({ unit, reason }))
      .sort((a, b) => a.unit.localeCompare(b.unit)),
  };
}

/** The report with what the issue sync did (numbers of created issues filled in by the caller). */
export function withIssues(
  report: DriftReport,
  decisions: IssueDecisions,
  created: ReadonlyMap<string, number>,
): DriftReport {
  return {
    ...report,
    issues: [
      ...decisions.actions.map((a) => ({
        unit: a.unit,
        number: a.kind === 'create' ? (created.get(a.unit) ?? null) : a.number,
        action: a.kind,
        ...(a.kind === 'close' ? { why: a.reason } : {}),
      })),
      ...decisions.untouched.map((u) => ({
        unit: u.unit,
        number: u.number,
        action: 'untouched' as const,
        why: u.why,
      })),
      ...(decisions.deferred ?? []).map((a) => ({
        unit: a.unit,
        number: a.kind === 'create' ? null : a.number,
        action: 'deferred' as const,
        why: `${a.kind} left to the next run: --max-issue-writes reached`,
      })),
    ],
  };
}

const ICON: Record<DriftState, string> = {
  'in-sync': 'in sync',
  drifted: '**drifted**',
  error: '**error**',
};
const cell = (s: string): string => s.replace(/[|\\]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

/** Markdown for the job summary and stdout, kept under `maxChars` (rows beyond it are counted). */
export function renderDriftSummary(r: DriftReport, maxChars = 1_000_000): string {
  const scope =
    r.slice === null
      ? `all ${r.totalUnits} units`
      : `slice ${r.slice.index}/${r.slice.count}: ${r.units.length} of ${r.totalUnits} units`;
  const head = [
    '## infra-ci drift',
    '',
    `${scope} planned read-only (${r.startedAt}): ${r.counts['in-sync']} in sync, ${r.counts.drifted} drifted, ${r.counts.error} error.`,
    '',
  ];
  const errors = r.units.filter((u) => u.state === 'error');
  if (errors.length > 0) {
    head.push('### Errors (not drift: these units were not checked)', '');
    for (const e of errors) head.push(`- ${code(e.unit)}: ${cell(e.error ?? 'error')}`);
    head.push('');
  }
  const rows = ['### Every planned unit', '', '| unit | state | changes |', '|---|---|---|'];
  for (const u of r.units) {
    const changes = u.resources
      .map((x) => `${code(x.address)} (${x.actions.join(', ')})`)
      .join(', ');
    const ignored =
      u.ignored.length > 0
        ? `${changes ? '; ' : ''}ignored: ${u.ignored.length} (${cell(u.ignoreReason ?? '')})`
        : '';
    const note = u.note ? ` ⚠ ${cell(u.note)}` : '';
    rows.push(`| ${code(u.unit)} | ${ICON[u.state]} | ${cell(changes)}${ignored}${note} |`);
  }
  const tail: string[] = [''];
  if (r.skipped.length > 0) {
    tail.push(
      `Not checked (\`infra_ci_drift.skip\`): ${r.skipped.map((x) => `${code(x.unit)} (${cell(x.reason)})`).join(', ')}`,
      '',
    );
  }
  if (r.excluded.length > 0) {
    tail.push(
      `Not planned (exclude block lists "plan"): ${r.excluded.map((e) => code(e.unit)).join(', ')}`,
      '',
    );
  }
  if (r.issues !== undefined) {
    tail.push('### Issues', '');
    if (r.issues.length === 0) tail.push('No drift issue to open, update or close.');
    for (const i of r.issues) {
      tail.push(
        `- ${code(i.unit)}: ${i.action}${i.number === null ? '' : ` #${i.number}`}${i.why ? ` (${i.why})` : ''}`,
      );
    }
    tail.push('');
  }
  let out = [...head, ...rows, ...tail].join('\n');
  let keep = rows.length;
  while (out.length > maxChars && keep > 4) {
    keep = Math.max(4, Math.floor(keep * 0.9));
    const cut = [
      ...rows.slice(0, keep),
      `| … ${rows.length - keep} more rows (see the JSON report) | | |`,
    ];
    out = [...head, ...cut, ...tail].join('\n');
  }
  return out;
}
