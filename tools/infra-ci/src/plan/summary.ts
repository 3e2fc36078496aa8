/**
 * Markdown summaries of `plan` and `apply` (job summary, stdout, PR comments). Pure functions over
 * plain data: the orchestrators build the reports, the commands print them.
 */
import type { Changes } from './bundle.js';
import { renderDeferredSection } from './deferred.js';

export const PLAN_MARKER = '<!-- infra-ci:plan -->';
/** GitHub rejects comment bodies over 65,536 characters. */
export const COMMENT_MAX = 65_000;
/** A step's job summary is at most 1 MiB. */
export const STEP_SUMMARY_MAX = 1_000_000;
export const REPLAN_MARKER = '<!-- infra-ci:replan -->';

export interface PlanRow {
  kind: 'apply' | 'destroy';
  /** 1-based wave within applyWaves / destroyWaves. */
  wave: number;
  unit: string;
  /** `excluded`: an exclude block leaves the unit out of `plan` (not planned, not applied). */
  status: 'planned' | 'failed' | 'not started' | 'excluded' | 'deferred';
  changes?: Changes;
  /** Status `deferred`: planned after these upstreams apply (plan/deferred.ts); `error` says why. */
  deferred?: { upstreams: string[] };
  upstreamChanged: string[];
  error?: string;
  /**
   * The exclude block that leaves the unit out: of `plan` (status excluded), or of its kind's
   * action (planned, applied or destroyed by hand). `by`: the unit whose block it is.
   */
  excluded?: { action: 'plan' | 'apply' | 'destroy'; by: string };
}

export interface PlanReport {
  headSha: string;
  baseSha: string;
  moved: { from: string; to: string }[];
  /** In execution order: apply waves, then destroy waves. */
  rows: PlanRow[];
}

export type ApplyStep = 'moved' | 'apply' | 'destroy';

export interface ApplyRow {
  step: ApplyStep;
  /** 1-based wave within that step. */
  wave: number;
  unit: string;
  action: 'apply' | 'destroy';
  /** sha256 of the reviewed plan file from the bundle. */
  planSha256: string;
  /** sha256 of the plan made at merge, for units with upstream changes. */
  freshSha256?: string;
  /** `excluded`: an exclude block leaves the unit out of its action; skipped (applied by hand). */
  result: 'applied' | 'destroyed' | 'failed' | 'not started' | 'differs from review' | 'excluded';
  error?: string;
  /** For result `excluded`: the unit whose exclude block it is (itself, or a dependent). */
  excludedBy?: string;
}

export type ApplyOutcome =
  | { kind: 'applied' }
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'review'; unit: string; message: string };

export interface ApplyReport {
  mergeCommit: string;
  pr?: number;
  /** PR head SHA the plans were made for (from the manifest), when known. */
  headSha?: string;
  outcome: ApplyOutcome;
  rows: ApplyRow[];
}

const short = (s: string, n = 7): string => s.slice(0, n);
const code = (s: string): string => `\`${s.replaceAll('`', "'")}\``;
const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Last line(s) of an error, for a table cell. */
function brief(error: string, max = 200): string {
  const oneLine = error.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `…${oneLine.slice(-max)}` : oneLine;
}

function counts(c: Changes | undefined): string {
  return c === undefined ? '– | – | –' : `${c.add} | ${c.change} | ${c.destroy}`;
}

/** What to run by hand for a unit excluded from apply (kind apply) or destroy (kind destroy). */
export function byHandCommand(unit: string, kind: 'apply' | 'destroy'): string {
  return kind === 'apply'
    ? `${code(`cd ${unit} && terragrunt apply`)} (in a checkout of main, with admin credentials)`
    : `${code(`cd ${unit} && terragrunt destroy`)} (in a checkout of the merge base — the unit is deleted at head — with admin credentials)`;
}

function excludedNote(unit: string, e: NonNullable<PlanRow['excluded']>): string {
  const whose =
    e.by === unit
      ? 'its `exclude` block'
      : `the \`exclude\` block of ${code(e.by)} (exclude_dependencies)`;
  if (e.action === 'plan') return `**excluded from plan** by ${whose}: not planned, not applied`;
  return `**${e.action} by hand**: excluded from ${e.action} by ${whose}; \`infra-ci apply\` skips it`;
}

/**
 * Plan summary: per wave, unit, kind, +add ~change -destroy, flags; failures listed. Longer than
 * `maxChars`, the resource list is left out, then table rows beyond the limit (both said).
 */
export function renderPlanSummary(r: PlanReport, maxChars = Number.POSITIVE_INFINITY): string {
  const movedTo = new Map(r.moved.map((m) => [m.to, m.from]));
  const movedFrom = new Map(r.moved.map((m) => [m.from, m.to]));
  const lines = [
    PLAN_MARKER,
    `### infra-ci plan for ${code(short(r.headSha))} (base ${code(short(r.baseSha))})`,
    '',
  ];
  if (r.rows.length === 0) {
    lines.push('No infrastructure units changed: nothing to plan.', '');
    return `${lines.join('\n')}`;
  }
  const failed = r.rows.filter((x) => x.status === 'failed');
  const notStarted = r.rows.filter((x) => x.status === 'not started');
  const planned = r.rows.filter((x) => x.status === 'planned');
  const total = (k: 'add' | 'change' | 'destroy') =>
    planned.reduce((n, x) => n + (x.changes?.[k] ?? 0), 0);
  const excludedFromPlan = r.rows.filter((x) => x.status === 'excluded');
  const byHand = planned.filter((x) => x.excluded !== undefined);
  lines.push(
    failed.length > 0
      ? `**Plan failed** for ${failed.length} unit(s); ${notStarted.length} not started. Nothing here can be applied.`
      : `**${planned.length} unit(s) planned**: +${total('add')} to add, ~${total('change')} to change, -${total('destroy')} to destroy. On merge: moved units' old side destroyed first (after any deleted unit that depends on it), then the apply waves in order, then the destroys.`,
    '',
  );
  lines.push(...renderDeferredSection(r.rows));
  if (excludedFromPlan.length > 0) {
    lines.push(
      `**${excludedFromPlan.length} unit(s) excluded from plan** by an \`exclude\` block: not planned, not applied.`,
      '',
    );
  }
  if (byHand.length > 0) {
    lines.push(
      `**${byHand.length} unit(s) to apply by hand**: an \`exclude\` block leaves them out of \`infra-ci apply\` (it skips them, with a warning). After the merge, with admin credentials:`,
      '',
    );
    for (const x of byHand) lines.push(`- ${code(x.unit)}: ${byHandCommand(x.unit, x.kind)}`);
    lines.push('');
  }
  lines.push(
    '| wave | unit | kind | + | ~ | - | notes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const x of r.rows) lines.push(planRowLine(x, movedTo, movedFrom));
  const details = resourceDetails(planned);
  return fitPlanSummary(lines, details, maxChars, r.rows.length);
}

/** One table row: wave, unit, kind, counts and the notes (moved, upstream changed, excluded, failed). */
function planRowLine(
  x: PlanRow,
  movedTo: Map<string, string>,
  movedFrom: Map<string, string>,
): string {
  const notes: string[] = [];
  const from = movedTo.get(x.unit);
  const to = movedFrom.get(x.unit);
  if (from !== undefined) notes.push(`moved from ${code(from)} (create)`);
  if (to !== undefined) notes.push(`moved to ${code(to)} (destroyed first on merge)`);
  if (x.upstreamChanged.length > 0) {
    notes.push(
      `upstream changed (${x.upstreamChanged.map(code).join(', ')}): re-planned at merge, applied only if identical`,
    );
  }
  if (x.excluded !== undefined) notes.push(excludedNote(x.unit, x.excluded));
  if (x.status === 'failed') notes.push(`**failed**: ${cell(brief(x.error ?? ''))}`);
  if (x.status === 'not started') notes.push('not started');
  if (x.status === 'deferred') notes.push('**planned after its upstream applies** (see above)');
  return `| ${x.status === 'excluded' ? '–' : `${x.kind} ${x.wave}`} | ${code(x.unit)} | ${x.kind} | ${counts(x.changes)} | ${notes.join('; ')} |`;
}

/** The folded list of resource changes of the planned units (none when no unit has any). */
function resourceDetails(planned: PlanRow[]): string[] {
  const withResources = planned.filter((x) => (x.changes?.resources.length ?? 0) > 0);
  if (withResources.length === 0) return [];
  const details = ['', '<details><summary>Resource changes</summary>', ''];
  for (const x of withResources) {
    details.push(`**${cell(x.unit)}** (${x.kind})`, '');
    for (const res of x.changes?.resources ?? []) {
      details.push(`- ${code(res.address)}: ${res.actions.join(', ')}`);
    }
    details.push('');
  }
  details.push('</details>');
  return details;
}

/** The summary within `maxChars`: without the resource list, then without the rows beyond it. */
function fitPlanSummary(
  lines: string[],
  details: string[],
  maxChars: number,
  units: number,
): string {
  const full = [...lines, ...details, ''].join('\n');
  if (full.length <= maxChars) return full;
  const note = (more: number) =>
    `\n_${more > 0 ? `…and ${more} more unit(s); t` : 'T'}he resource list is left out to fit; the job summary of the plan run has it all._\n`;
  const budget = maxChars - note(units).length;
  let kept = 0;
  for (let len = 0; kept < lines.length; kept++) {
    len += (lines[kept] as string).length + 1;
    if (len > budget) break;
  }
  const tableRows = lines.slice(kept).filter((l) => l.startsWith('| ')).length;
  return [...lines.slice(0, kept), note(tableRows)].join('\n');
}

const STEP_LABEL: Record<ApplyStep, string> = {
  moved: 'destroy first',
  apply: 'apply',
  destroy: 'destroy',
};

/** Apply summary: wave | unit | action | from plan | result, with the outcome on top. */
export function renderApplySummary(r: ApplyReport): string {
  const title = `### infra-ci apply of ${code(short(r.mergeCommit))}${r.pr !== undefined ? ` (PR #${r.pr})` : ''}`;
  const lines = [title, ''];
  const o = r.outcome;
  if (o.kind === 'refused') lines.push(`**Refused — nothing applied.** ${o.message}`);
  else if (o.kind === 'review') lines.push(`**Stopped for review.** ${o.message}`);
  else if (o.kind === 'failed') lines.push(`**Apply failed.** ${o.message}`);
  else if (r.rows.length === 0) lines.push('Nothing to apply: the plans contain no units.');
  else {
    const skipped = r.rows.filter((x) => x.result === 'excluded').length;
    lines.push(
      `**Applied** ${r.rows.length - skipped} unit(s).${skipped > 0 ? ` ${skipped} skipped: excluded by an \`exclude\` block, to apply by hand (see the warnings).` : ''}`,
    );
  }
  if (r.rows.length > 0) {
    const by = (res: ApplyRow['result']) => r.rows.filter((x) => x.result === res).length;
    if (o.kind !== 'applied') {
      lines.push(
        '',
        `Applied: ${by('applied') + by('destroyed')} · failed: ${by('failed')} · differs from review: ${by('differs from review')} · not started: ${by('not started')}${by('excluded') > 0 ? ` · skipped (excluded, by hand): ${by('excluded')}` : ''}`,
      );
    }
    lines.push(
      '',
      '| wave | unit | action | from plan | result |',
      '| --- | --- | --- | --- | --- |',
    );
    const head = r.headSha === undefined ? '' : `${code(short(r.headSha))} · `;
    for (const x of r.rows) {
      const from =
        x.freshSha256 === undefined
          ? `${head}sha256 ${code(short(x.planSha256, 12))}`
          : `re-planned at merge: sha256 ${code(short(x.freshSha256, 12))} (reviewed ${head}sha256 ${code(short(x.planSha256, 12))})`;
      const result =
        x.result === 'failed' && x.error !== undefined
          ? `**failed**: ${cell(brief(x.error))}`
          : x.result === 'differs from review'
            ? '**differs from review**'
            : x.result === 'excluded'
              ? `skipped: excluded from ${x.action} (${x.action} by hand)${x.excludedBy !== undefined && x.excludedBy !== x.unit ? ` — exclude_dependencies of ${code(x.excludedBy)}` : ''}`
              : x.result;
      lines.push(
        `| ${STEP_LABEL[x.step]} ${x.wave} | ${code(x.unit)} | ${x.action} | ${from} | ${result} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** GitHub workflow-command data: %, CR and LF escaped. */
const commandData = (s: string): string =>
  s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');

/**
 * One GitHub `::warning` annotation per unit an exclude block kept out of this apply (the job
 * still succeeds): what was skipped and what to run by hand.
 */
export function applyWarnings(r: ApplyReport): string[] {
  return r.rows
    .filter((x) => x.result === 'excluded')
    .map((x) => {
      const whose =
        x.excludedBy === undefined || x.excludedBy === x.unit
          ? 'its exclude block'
          : `the exclude block of ${x.excludedBy} (exclude_dependencies)`;
      const cmd =
        x.action === 'apply'
          ? `cd ${x.unit} && terragrunt apply (checkout of main, admin credentials)`
          : `cd ${x.unit} && terragrunt destroy (checkout of the merge base, admin credentials)`;
      return `::warning title=infra-ci apply::${commandData(`${x.unit} was not ${x.action === 'apply' ? 'applied' : 'destroyed'}: excluded from ${x.action} by ${whose}. ${x.action === 'apply' ? 'Apply' : 'Destroy'} it by hand: ${cmd}`)}`;
    });
}
