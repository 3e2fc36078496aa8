/**
 * Merge flow: find the PR's plan bundle, refuse unless it is exactly what was reviewed for the tree
 * being merged, re-plan every unit with main's code and stop unless each matches the review
 * (orchestrate/replan.ts), then apply the fresh plans: moved units' old side destroyed first,
 * apply waves in order (units with changed upstreams re-planned in their wave), then destroys in
 * destroyWaves order.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError, errorMessage } from '../errors.js';
import { renderReplanReview } from '../plan/comment-replan.js';
import { type ApplyReport, type ApplyStep, REPLAN_MARKER } from '../plan/summary.js';
import {
  type Halt,
  haltOf,
  outcomeOf,
  phasesOf,
  plannedRows,
  settleRow,
  type UnitResult,
} from './apply-steps.js';
import { withCheckout, withWorktree } from './git.js';
import { type Outcome, runBounded } from './pool.js';
import { freshPlanFile, replanUnit, type Target, upFrontTargets } from './replan.js';
import { type ApplyDeps, type ApplyOptions, type Verified, verifyBundle } from './verify.js';

export type { ApplyDeps, ApplyOptions } from './verify.js';

export async function applyPlans(opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyReport> {
  const v = await verifyBundle(opts, deps);
  if (v.kind === 'refused') return v.report;
  return execute(v, opts, deps);
}

type Ok = Extract<Verified, { kind: 'ok' }>;

async function execute(v: Ok, opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyReport> {
  const prNumber = v.pr?.number ?? v.manifest.pr;
  const phases = phasesOf(v.work);
  let rows = plannedRows(phases, v.manifest);
  const replans = path.join(opts.work, 'replans');
  await rm(replans, { recursive: true, force: true });
  await mkdir(replans, { recursive: true });
  const fresh = new Map<string, string>(); // unit → sha256 of the plan made at merge
  const settle = (step: ApplyStep, outcomes: Outcome<string, UnitResult>[]) => {
    for (const o of outcomes) {
      rows = rows.map((r) =>
        r.step === step && r.unit === o.item ? settleRow(r, o, fresh.get(o.item)) : r,
      );
    }
  };
  // Deleted units exist at the merge's first parent, the base the work list was computed from.
  const withBase = <T>(fn: (dir: string) => Promise<T>): Promise<T> =>
    v.work.destroyWaves.length > 0 ? withWorktree(v.repo, v.base, fn) : fn('');
  const halt = await withBase((baseDir) =>
    withCheckout(v.repo, v.merge, async (mergeDir) => {
      const dirOf = (step: ApplyStep) => (step === 'apply' ? mergeDir : baseDir);
      const unitRun = unitRunner(v, deps.runner, replans, fresh);
      // Before anything is applied: every unit planned again with main's code.
      const first = await replanFirst(v, deps.runner, opts.parallelism, replans, fresh, dirOf);
      if (first.halt !== undefined) {
        for (const [step, outcomes] of first.settled) settle(step, outcomes);
        return first.halt;
      }
      for (const { step, waves } of phases) {
        for (const wave of waves) {
          const run = (unit: string) => unitRun(step, unit, dirOf(step));
          const outcomes = await runBounded(
            wave,
            opts.parallelism,
            run,
            (r) => r.kind === 'differs',
          );
          settle(step, outcomes);
          const h = haltOf(outcomes);
          if (h !== undefined) return h;
        }
      }
      return undefined;
    }),
  );
  const posted = halt?.kind === 'review' ? await postReplan(halt, v.merge, prNumber, deps) : '';
  return {
    mergeCommit: v.merge,
    ...(prNumber === undefined ? {} : { pr: prNumber }),
    headSha: v.manifest.headSha,
    outcome: outcomeOf(halt, posted),
    rows,
  };
}

/**
 * Re-plans every up-front target (orchestrate/replan.ts) with at most `parallelism` at once; a
 * failure stops starting more. Differing units do not stop the others: the review lists them all.
 * On a halt, the outcomes to settle the rows with, per step.
 */
async function replanFirst(
  v: Ok,
  runner: ApplyDeps['runner'],
  parallelism: number,
  replans: string,
  fresh: Map<string, string>,
  dirOf: (step: ApplyStep) => string,
): Promise<{ halt?: Halt; settled: [ApplyStep, Outcome<string, UnitResult>[]][] }> {
  const targets = upFrontTargets(phasesOf(v.work), v.work);
  const outcomes = await runBounded(targets, parallelism, async (t: Target) => {
    const reviewed = v.manifest.units[t.unit]?.changes;
    if (reviewed === undefined)
      throw new CliError('input', `${t.unit} has no entry in the manifest`);
    const c = { unit: t.unit, cwd: path.join(dirOf(t.step), t.unit), replans, attributes: true };
    const r = await replanUnit(runner, { ...c, destroy: t.step !== 'apply' }, reviewed, fresh);
    // A match stops nothing: its row is settled later, when its plan is applied.
    return r.kind === 'same' ? ({ kind: 'applied' } as const) : r;
  });
  const asUnit = (o: Outcome<Target, UnitResult>): Outcome<string, UnitResult> =>
    o.status === 'ok'
      ? { item: o.item.unit, status: 'ok', value: o.value }
      : o.status === 'failed'
        ? { item: o.item.unit, status: 'failed', error: o.error }
        : { item: o.item.unit, status: 'not started' };
  const halt = haltOf(outcomes.map(asUnit), 'merge');
  if (halt === undefined) return { settled: [] };
  // Only what stopped the run is settled: the other units stay "not started".
  const stopping = outcomes.filter(
    (o) => o.status === 'failed' || (o.status === 'ok' && o.value.kind === 'differs'),
  );
  const steps = [...new Set(stopping.map((o) => o.item.step))];
  return {
    halt,
    settled: steps.map((s) => [s, stopping.filter((o) => o.item.step === s).map(asUnit)]),
  };
}

/**
 * Runs one unit of a phase in `dir` (the merge's checkout for `apply`, the base's for destroys)
 * from its plan made at merge: made before any apply (replanFirst), or — for an apply unit whose
 * upstream changed in the same PR, planned on the PR with mock/stale outputs — made now that its
 * upstreams are applied, and applied only when it matches the review.
 */
function unitRunner(
  v: Ok,
  runner: ApplyDeps['runner'],
  replans: string,
  fresh: Map<string, string>,
) {
  const { manifest: m, work } = v;
  return async (step: ApplyStep, unit: string, dir: string): Promise<UnitResult> => {
    const entry = m.units[unit];
    if (entry === undefined) throw new CliError('input', `${unit} has no entry in the manifest`);
    const cwd = path.join(dir, unit);
    const byHand = (step === 'apply' ? work.byHand.apply : work.byHand.destroy).get(unit);
    if (byHand !== undefined) return { kind: 'excluded', by: byHand };
    const planFile = freshPlanFile(replans, unit);
    if (step !== 'apply') {
      await runner.apply({ unit, cwd, planFile });
      await runner.backendDelete({ unit, cwd });
      return { kind: 'destroyed' };
    }
    await runner.backendBootstrap({ unit, cwd });
    if ((work.upstreamChanged[unit] ?? []).length > 0) {
      const r = await replanUnit(
        runner,
        { unit, cwd, destroy: false, replans, attributes: false },
        entry.changes,
        fresh,
      );
      if (r.kind === 'differs') return r;
    }
    await runner.apply({ unit, cwd, planFile });
    return { kind: 'applied' };
  };
}

/** Posts the fresh plan of a unit that differs on its PR; says where it went, for the report. */
async function postReplan(
  d: Extract<Halt, { kind: 'review' }>,
  merge: string,
  prNumber: number | undefined,
  deps: ApplyDeps,
): Promise<string> {
  const body = renderReplanReview({ mergeCommit: merge, differs: d.differs });
  // Without a PR to post on (offline --plans), or when posting fails, the report carries it.
  if (deps.github === undefined || prNumber === undefined) return `\n\n${body}`;
  // Units may have been applied by now: a failed comment must not cost the report of what was.
  try {
    await deps.github.upsertComment(prNumber, REPLAN_MARKER, body);
    return ` The fresh plan was posted on PR #${prNumber}.`;
  } catch (error) {
    return ` Posting the fresh plan on PR #${prNumber} failed (${errorMessage(error)}); here it is:\n\n${body}`;
  }
}
