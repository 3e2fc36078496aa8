/**
 * The decisions of the merge flow's apply, over plain data (orchestrate/apply.ts runs them): which
 * units run in which phase, what each unit's outcome does to its summary row, when the run stops
 * and what it reports.
 */
import { errorMessage } from '../errors.js';
import type { Changes, Manifest } from '../plan/bundle.js';
import type { Differs } from '../plan/comment-replan.js';
import type { ApplyOutcome, ApplyRow, ApplyStep } from '../plan/summary.js';
import type { Outcome } from './pool.js';
import type { WorkList } from './worklist.js';

export interface Phase {
  step: ApplyStep;
  waves: string[][];
}

/** What became of one unit that ran (a thrown error is the pool's `failed` outcome). */
export type UnitResult =
  | { kind: 'applied' }
  | { kind: 'destroyed' }
  /** An exclude block leaves the unit out of this action: nothing ran (not even a bootstrap). */
  | { kind: 'excluded'; by: string }
  /** Re-planned at merge, its resources differ from the reviewed plan: not applied. */
  | { kind: 'differs'; fresh: Changes; reviewed: Changes };

/** Why the phases stopped early (`review`: plans made at merge differ from the reviewed ones). */
export type Halt = { kind: 'failed'; errors: string[] } | { kind: 'review'; differs: Differs[] };

/**
 * A moved unit's old side is destroyed before the apply waves (its new side may reuse its names).
 * Destroy waves are ordered dependents first, so every wave up to the last one holding a moved unit
 * goes first with it: a deleted unit that depended on the old side is destroyed before it, never
 * after. Waves, moves, re-plans and exclusions come from the recomputed work list.
 */
export function phasesOf(work: WorkList): Phase[] {
  const movedFrom = new Set(work.moved.map((x) => x.from));
  const lastMoved = work.destroyWaves.findLastIndex((w) => w.some((u) => movedFrom.has(u)));
  return [
    { step: 'moved', waves: work.destroyWaves.slice(0, lastMoved + 1) },
    { step: 'apply', waves: work.applyWaves },
    { step: 'destroy', waves: work.destroyWaves.slice(lastMoved + 1) },
  ];
}

/** One `not started` row per unit of the phases; the manifest gives each its plan checksum. */
export function plannedRows(phases: Phase[], m: Manifest): ApplyRow[] {
  return phases.flatMap(({ step, waves }) =>
    waves.flatMap((w, i) =>
      w.map((unit) => ({
        step,
        wave: i + 1,
        unit,
        action: step === 'apply' ? ('apply' as const) : ('destroy' as const),
        planSha256: m.units[unit]?.sha256 ?? '',
        result: 'not started' as const,
      })),
    ),
  );
}

/** The row of a unit after its outcome; `freshSha256` of the plan made at merge, if one was. */
export function settleRow(
  row: ApplyRow,
  o: Outcome<string, UnitResult>,
  freshSha256: string | undefined,
): ApplyRow {
  const r = { ...row, ...(freshSha256 === undefined ? {} : { freshSha256 }) };
  if (o.status === 'not started') return r;
  if (o.status === 'failed') return { ...r, result: 'failed', error: errorMessage(o.error) };
  const v = o.value;
  if (v.kind === 'excluded') return { ...r, result: 'excluded', excludedBy: v.by };
  if (v.kind === 'differs') return { ...r, result: 'differs from review' };
  return { ...r, result: v.kind };
}

/**
 * Whether outcomes stop the run: any failure, else the units differing from review. `when`: the
 * outcomes are the re-plans made before any apply (`merge`) or a wave's (`upstream`).
 */
export function haltOf(
  outcomes: Outcome<string, UnitResult>[],
  when: Differs['when'] = 'upstream',
): Halt | undefined {
  const errors = outcomes.flatMap((o) => (o.status === 'failed' ? [errorMessage(o.error)] : []));
  if (errors.length > 0) return { kind: 'failed', errors };
  const differs = outcomes.flatMap((o) =>
    o.status === 'ok' && o.value.kind === 'differs'
      ? [{ unit: o.item, fresh: o.value.fresh, reviewed: o.value.reviewed, when }]
      : [],
  );
  return differs.length > 0 ? { kind: 'review', differs } : undefined;
}

/** The report's outcome; `posted` tells where the fresh plan of a review went. */
export function outcomeOf(halt: Halt | undefined, posted: string): ApplyOutcome {
  if (halt === undefined) return { kind: 'applied' };
  if (halt.kind === 'failed') {
    return {
      kind: 'failed',
      message: `${halt.errors.length} unit(s) failed; later waves were not started:\n${halt.errors.join('\n')}`,
    };
  }
  const [first, ...more] = halt.differs;
  const units = halt.differs.map((d) => d.unit).join(', ');
  const verb = more.length > 0 ? 'differ' : 'differs';
  const message =
    first?.when === 'merge'
      ? `re-planned at merge with main's code, ${units} ${verb} from the reviewed plan: nothing was applied.${posted}`
      : `re-planned ${units} ${verb} from the reviewed plan: it was not applied, and no later wave or destroy ran.${posted}`;
  return { kind: 'review', unit: first?.unit ?? '', message };
}
