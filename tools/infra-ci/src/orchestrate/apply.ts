/**
 * Merge flow: find the PR's plan bundle, refuse unless it is exactly what was reviewed for the tree
 * being merged, then apply it: moved units' old side destroyed first, apply waves in order (units
 * with changed upstreams re-planned and compared), then destroys in destroyWaves order.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { type Changes, sameResources, sha256File, slug } from '../plan/bundle.js';
import {
  type ApplyReport,
  type ApplyRow,
  type ApplyStep,
  REPLAN_MARKER,
  renderReplanComment,
} from '../plan/summary.js';
import { withCheckout, withWorktree } from './git.js';
import { runBounded } from './pool.js';
import { type ApplyDeps, type ApplyOptions, type Verified, verifyBundle } from './verify.js';

export type { ApplyDeps, ApplyOptions } from './verify.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function applyPlans(opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyReport> {
  const v = await verifyBundle(opts, deps);
  if (v.kind === 'refused') return v.report;
  return execute(v, opts, deps);
}

async function execute(
  v: Extract<Verified, { kind: 'ok' }>,
  opts: ApplyOptions,
  deps: ApplyDeps,
): Promise<ApplyReport> {
  const { repo, merge, base: parent, bundle, manifest: m, work, pr } = v;
  const { runner } = deps;
  const prNumber = pr?.number ?? m.pr;
  // A moved unit's old side is destroyed before the apply waves (its new side may reuse its
  // names). Destroy waves are ordered dependents first, so every wave up to the last one holding a
  // moved unit goes first with it: a deleted unit that depended on the old side is destroyed
  // before it, never after.
  // Waves, moves, re-plans and exclusions come from the recomputed work list; the manifest gives
  // only each unit's plan file, checksum and reviewed changes.
  const movedFrom = new Set(work.moved.map((x) => x.from));
  const lastMoved = work.destroyWaves.findLastIndex((w) => w.some((u) => movedFrom.has(u)));
  const movedWaves = work.destroyWaves.slice(0, lastMoved + 1);
  const destroyWaves = work.destroyWaves.slice(lastMoved + 1);
  const phases: { step: ApplyStep; waves: string[][] }[] = [
    { step: 'moved', waves: movedWaves },
    { step: 'apply', waves: work.applyWaves },
    { step: 'destroy', waves: destroyWaves },
  ];
  const rows: ApplyRow[] = phases.flatMap(({ step, waves }) =>
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
  const rowOf = (step: ApplyStep, unit: string): ApplyRow =>
    rows.find((r) => r.step === step && r.unit === unit) as ApplyRow;
  const report = (outcome: ApplyReport['outcome']): ApplyReport => ({
    mergeCommit: merge,
    ...(prNumber === undefined ? {} : { pr: prNumber }),
    headSha: m.headSha,
    outcome,
    rows,
  });
  const replans = path.join(opts.work, 'replans');
  await rm(replans, { recursive: true, force: true });
  await mkdir(replans, { recursive: true });

  let differs: { unit: string; fresh: Changes; reviewed: Changes } | undefined;
  const failures: string[] = [];

  /** An exclude block leaves the unit out of this action: nothing runs (not even a bootstrap). */
  const skip = (row: ApplyRow, by: string): boolean => {
    row.result = 'excluded';
    row.excludedBy = by;
    return false;
  };
  const applyUnit = async (unit: string, checkout: string): Promise<boolean> => {
    const entry = m.units[unit];
    if (entry === undefined) throw new CliError('input', `${unit} has no entry in the manifest`);
    const cwd = path.join(checkout, unit);
    const row = rowOf('apply', unit);
    const byHand = work.byHand.apply.get(unit);
    if (byHand !== undefined) return skip(row, byHand);
    await runner.backendBootstrap({ unit, cwd });
    let planFile = path.join(bundle, entry.file);
    if ((work.upstreamChanged[unit] ?? []).length > 0) {
      // Planned on the PR with mock/stale outputs: plan again now that its upstreams are applied.
      const fresh = path.join(replans, `${slug(unit)}.tfplan`);
      await runner.plan({ unit, cwd, out: fresh, destroy: false });
      const changes = await runner.show({ unit, cwd, planFile: fresh });
      row.freshSha256 = await sha256File(fresh);
      if (!sameResources(changes.resources, entry.changes.resources)) {
        row.result = 'differs from review';
        differs ??= { unit, fresh: changes, reviewed: entry.changes };
        return true;
      }
      planFile = fresh;
    }
    await runner.apply({ unit, cwd, planFile });
    row.result = 'applied';
    return false;
  };
  const destroyUnit = async (step: ApplyStep, unit: string, checkout: string): Promise<boolean> => {
    const entry = m.units[unit];
    if (entry === undefined) throw new CliError('input', `${unit} has no entry in the manifest`);
    const cwd = path.join(checkout, unit);
    const byHand = work.byHand.destroy.get(unit);
    if (byHand !== undefined) return skip(rowOf(step, unit), byHand);
    await runner.apply({ unit, cwd, planFile: path.join(bundle, entry.file) });
    await runner.backendDelete({ unit, cwd });
    rowOf(step, unit).result = 'destroyed';
    return false;
  };
  /** Runs the waves of one phase; false when it stopped (failure or review). */
  const runWaves = async (
    step: ApplyStep,
    waves: string[][],
    one: (unit: string) => Promise<boolean>,
  ): Promise<boolean> => {
    for (const wave of waves) {
      const outcomes = await runBounded(wave, opts.parallelism, one, (stop) => stop);
      for (const o of outcomes) {
        if (o.status === 'failed') {
          const row = rowOf(step, o.item);
          row.result = 'failed';
          row.error = message(o.error);
          failures.push(row.error);
        }
      }
      if (failures.length > 0 || differs !== undefined) return false;
    }
    return true;
  };

  const withBase = <T>(fn: (dir: string | undefined) => Promise<T>): Promise<T> =>
    // Deleted units exist at the merge's first parent, the base the work list was computed from.
    work.destroyWaves.length > 0 ? withWorktree(repo, parent, fn) : fn(undefined);

  await withBase(async (baseDir) =>
    withCheckout(repo, merge, async (mergeDir) => {
      const base = baseDir as string;
      if (!(await runWaves('moved', movedWaves, (u) => destroyUnit('moved', u, base)))) return;
      if (!(await runWaves('apply', work.applyWaves, (u) => applyUnit(u, mergeDir)))) return;
      await runWaves('destroy', destroyWaves, (u) => destroyUnit('destroy', u, base));
    }),
  );

  if (failures.length > 0) {
    return report({
      kind: 'failed',
      message: `${failures.length} unit(s) failed; later waves were not started:\n${failures.join('\n')}`,
    });
  }
  if (differs !== undefined) {
    const d = differs;
    let posted = '';
    if (deps.github !== undefined && prNumber !== undefined) {
      // Units were applied by now: a failed comment must not cost the report of what was.
      try {
        await deps.github.upsertComment(
          prNumber,
          REPLAN_MARKER,
          renderReplanComment({
            unit: d.unit,
            mergeCommit: merge,
            reviewed: d.reviewed,
            fresh: d.fresh,
          }),
        );
        posted = ` The fresh plan was posted on PR #${prNumber}.`;
      } catch (error) {
        posted = ` Posting the fresh plan on PR #${prNumber} failed (${message(error)}); it is in this job's log.`;
      }
    }
    return report({
      kind: 'review',
      unit: d.unit,
      message: `re-planned ${d.unit} differs from the reviewed plan: it was not applied, and no later wave or destroy ran.${posted}`,
    });
  }
  return report({ kind: 'applied' });
}
