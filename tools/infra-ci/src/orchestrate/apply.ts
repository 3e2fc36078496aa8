/**
 * Merge flow: find the PR's plan bundle, refuse unless it is exactly what was reviewed for the tree
 * being merged, then apply it: moved units' old side destroyed first, apply waves in order (units
 * with changed upstreams re-planned and compared), then destroys in destroyWaves order.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError, errorMessage } from '../errors.js';
import { sameResources, sha256File, slug } from '../plan/bundle.js';
import {
  type ApplyReport,
  type ApplyStep,
  REPLAN_MARKER,
  renderReplanComment,
} from '../plan/summary.js';
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
import { runBounded } from './pool.js';
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
  const runWave = async (
    step: ApplyStep,
    wave: string[],
    run: UnitRun,
  ): Promise<Halt | undefined> => {
    const outcomes = await runBounded(wave, opts.parallelism, run, (r) => r.kind === 'differs');
    for (const o of outcomes) {
      rows = rows.map((r) =>
        r.step === step && r.unit === o.item ? settleRow(r, o, fresh.get(o.item)) : r,
      );
    }
    return haltOf(outcomes);
  };
  // Deleted units exist at the merge's first parent, the base the work list was computed from.
  const withBase = <T>(fn: (dir: string) => Promise<T>): Promise<T> =>
    v.work.destroyWaves.length > 0 ? withWorktree(v.repo, v.base, fn) : fn('');
  const halt = await withBase((baseDir) =>
    withCheckout(v.repo, v.merge, async (mergeDir) => {
      const unitRun = unitRunner(v, deps.runner, replans, fresh);
      for (const { step, waves } of phases) {
        const dir = step === 'apply' ? mergeDir : baseDir;
        for (const wave of waves) {
          const h = await runWave(step, wave, (unit) => unitRun(step, unit, dir));
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

type UnitRun = (unit: string) => Promise<UnitResult>;

/**
 * Runs one unit of a phase in `dir` (the merge's checkout for `apply`, the base's for destroys):
 * an apply unit with changed upstreams was planned on the PR with mock/stale outputs, so it is
 * planned again now that its upstreams are applied, and applied only when it matches the review.
 */
function unitRunner(
  v: Ok,
  runner: ApplyDeps['runner'],
  replans: string,
  fresh: Map<string, string>,
) {
  const { bundle, manifest: m, work } = v;
  return async (step: ApplyStep, unit: string, dir: string): Promise<UnitResult> => {
    const entry = m.units[unit];
    if (entry === undefined) throw new CliError('input', `${unit} has no entry in the manifest`);
    const cwd = path.join(dir, unit);
    const byHand = (step === 'apply' ? work.byHand.apply : work.byHand.destroy).get(unit);
    if (byHand !== undefined) return { kind: 'excluded', by: byHand };
    if (step !== 'apply') {
      await runner.apply({ unit, cwd, planFile: path.join(bundle, entry.file) });
      await runner.backendDelete({ unit, cwd });
      return { kind: 'destroyed' };
    }
    await runner.backendBootstrap({ unit, cwd });
    let planFile = path.join(bundle, entry.file);
    if ((work.upstreamChanged[unit] ?? []).length > 0) {
      planFile = path.join(replans, `${slug(unit)}.tfplan`);
      await runner.plan({ unit, cwd, out: planFile, destroy: false });
      const changes = await runner.show({ unit, cwd, planFile });
      fresh.set(unit, await sha256File(planFile));
      if (!sameResources(changes.resources, entry.changes.resources)) {
        return { kind: 'differs', fresh: changes, reviewed: entry.changes };
      }
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
  if (deps.github === undefined || prNumber === undefined) return '';
  // Units were applied by now: a failed comment must not cost the report of what was.
  try {
    const body = renderReplanComment({
      unit: d.unit,
      mergeCommit: merge,
      reviewed: d.reviewed,
      fresh: d.fresh,
    });
    await deps.github.upsertComment(prNumber, REPLAN_MARKER, body);
    return ` The fresh plan was posted on PR #${prNumber}.`;
  } catch (error) {
    return ` Posting the fresh plan on PR #${prNumber} failed (${errorMessage(error)}); it is in this job's log.`;
  }
}
