/**
 * `infra-ci drift`: plan every unit (or one slice) of the working tree read-only, in dependency
 * waves with at most `concurrency` plans at once inside a wave, and classify each unit. Reuses the
 * pool of `infra-ci plan` and its terragrunt runner; nothing here can apply (the runner's
 * `planDetailed`/`showJson` are the only calls made in a unit).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '../errors.js';
import { applyWaves } from '../graph/dag.js';
import { HclParser } from '../hcl/parse.js';
import { loadUnitGraph, openTree } from '../index.js';
import { runBounded } from '../orchestrate/pool.js';
import { planFileOf } from '../plan/bundle.js';
import { excludedUnits } from '../terragrunt/exclude.js';
import type { UnitGraph } from '../terragrunt/load.js';
import type { TerragruntRunner } from '../terragrunt/runner.js';
import type { Tree } from '../terragrunt/tree.js';
import {
  type DriftIgnore,
  driftIgnoreOf,
  mentionsDriftLocal,
  misplacedDriftLocal,
} from './config.js';
import { buildReport, type DriftReport } from './report.js';
import { type Slice, selectSlice } from './slice.js';
import { classifyPlan, errorState, type UnitDrift } from './state.js';

export interface DriftOptions {
  /** Any folder inside the repository (the checkout of the default branch). */
  repoRoot: string;
  /** Folder holding the units: absolute, or relative to the repository root. */
  root: string;
  slice?: Slice | undefined;
  /** Plans running at once inside a wave. */
  concurrency: number;
  cacheDir?: string | undefined;
  /**
   * Minutes after the start when no further unit plan starts (running ones finish): the units
   * left are `error` ("not planned: time budget"), never in sync, and the run still reports and
   * updates the issues before the job's own timeout kills it. Undefined: no budget.
   */
  timeBudgetMinutes?: number | undefined;
  now?: () => Date;
}

export interface DriftRun {
  report: DriftReport;
  /** Every unit id of the tree (an issue whose unit is not here is closed as deleted). */
  allUnits: Set<string>;
  /** The root folder relative to the repository root. */
  root: string;
}

/**
 * `infra_ci_drift` of every unit that sets it (keyed by unit id), from the .hcl files under `rel`
 * (the root, relative to the repository root). A file under the root that sets
 * it but is not a unit's own terragrunt.hcl is an input error (exit 2 at file:line).
 */
export async function loadDriftIgnores(
  tree: Tree,
  rel: string,
  graph: UnitGraph,
): Promise<Map<string, DriftIgnore>> {
  const prefix = rel === '' ? '' : `${rel}/`;
  const files = [...tree.files].filter((f) => f.startsWith(prefix) && f.endsWith('.hcl')).sort();
  const parser = new HclParser();
  const out = new Map<string, DriftIgnore>();
  for (const file of files) {
    const source = await tree.read(file);
    if (!mentionsDriftLocal(source)) continue;
    const unit = file.endsWith('/terragrunt.hcl') ? file.slice(0, -'/terragrunt.hcl'.length) : '';
    const json = await parser.parse(file, source);
    const ignore = driftIgnoreOf(file, json, source);
    if (ignore === undefined) continue; // named in a comment or another value only
    if (!(unit in graph.units)) throw misplacedDriftLocal(file, source);
    out.set(unit, ignore);
  }
  return out;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runDrift(opts: DriftOptions, runner: TerragruntRunner): Promise<DriftRun> {
  const startedAt = (opts.now?.() ?? new Date()).toISOString();
  const graph = await loadUnitGraph({
    repoRoot: opts.repoRoot,
    root: opts.root,
    cacheDir: opts.cacheDir,
  });
  const { tree, root } = await openTree({ repoRoot: opts.repoRoot, root: opts.root });
  const ignores = await loadDriftIgnores(tree, root, graph);
  await runner.versions(); // terragrunt/terraform missing: exit 3 before any unit
  const ids = Object.keys(graph.units).sort();
  if (ids.length === 0) {
    // Fail closed: with no unit, every open drift issue would be closed as "unit deleted".
    throw new CliError('input', `no unit (terragrunt.hcl) under ${opts.root}: wrong --root?`);
  }
  const excluded = excludedUnits(graph, 'plan', ids);
  const skipped = new Map(
    [...ignores].filter(([id, d]) => d.skip && !excluded.has(id)).map(([id, d]) => [id, d.reason]),
  );
  const selected = selectSlice(ids, opts.slice).filter(
    (id) => !excluded.has(id) && !skipped.has(id),
  );
  const deps = Object.fromEntries(ids.map((id) => [id, graph.units[id]?.dependencies ?? []]));
  const waves = applyWaves(deps, selected);
  const clock = (): number => (opts.now?.() ?? new Date()).getTime();
  const deadline =
    opts.timeBudgetMinutes === undefined ? undefined : clock() + opts.timeBudgetMinutes * 60_000;
  const overBudget = (): boolean => deadline !== undefined && clock() >= deadline;
  const work = await mkdtemp(path.join(tmpdir(), 'infra-ci-drift-'));
  const results: UnitDrift[] = [];
  try {
    for (const wave of waves) {
      // Never rejects: a unit's failure is its `error` state, and the next units still run.
      const outcomes = await runBounded(wave, opts.concurrency, async (unit) => {
        const ignore = ignores.get(unit);
        if (overBudget()) {
          return errorState(
            unit,
            `${unit}: not planned: the time budget of ${opts.timeBudgetMinutes} min was used up (--time-budget); use more slices`,
            ignore,
          );
        }
        const cwd = path.join(tree.repoRoot, unit);
        const planFile = path.join(work, planFileOf(unit).replace(/^units\//, ''));
        try {
          const code = await runner.planDetailed({ unit, cwd, out: planFile });
          return classifyPlan(unit, code, await runner.showJson({ unit, cwd, planFile }), ignore);
        } catch (e) {
          return errorState(unit, message(e), ignore);
        } finally {
          await rm(planFile, { force: true }); // plans may hold secrets; keep none
        }
      });
      for (const o of outcomes) {
        results.push(o.status === 'ok' ? o.value : errorState(o.item, `${o.item}: not planned`));
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return {
    report: buildReport({
      startedAt,
      slice: opts.slice,
      totalUnits: ids.length,
      units: results,
      excluded,
      skipped,
    }),
    allUnits: new Set(ids),
    root,
  };
}
