/**
 * PR flow: plan every changed unit wave by wave (bounded parallelism inside a wave), destroyed
 * units with `plan -destroy` from a worktree of the merge base, and write the plan bundle.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError, errorMessage } from '../errors.js';
import { mergeBase, repoRootOf, resolveCommit } from '../git/git.js';
import { detectChangesAndGraph } from '../index.js';
import {
  MANIFEST,
  type Manifest,
  planFileOf,
  sha256File,
  type UnitPlan,
  writeManifest,
} from '../plan/bundle.js';
import { awaitedUpstreams } from '../plan/deferred.js';
import type { PlanReport, PlanRow } from '../plan/summary.js';
import type { UnitGraph } from '../terragrunt/load.js';
import { mockedUpstreamsOf } from '../terragrunt/mock-outputs.js';
import { repoPath } from '../terragrunt/paths.js';
import type { TerragruntRunner } from '../terragrunt/runner.js';
import { treeHash, withCheckout, withWorktree } from './git.js';
import { type Outcome, runBounded } from './pool.js';
import { type WorkList, workList } from './worklist.js';

export interface PlanOptions {
  /** Any folder inside the repository. */
  repoRoot: string;
  base: string;
  head: string;
  /** Folder holding the units: absolute, or relative to the repository root. */
  root: string;
  /** Folder whose git tree hash pins the plans (`infra`): absolute, or relative to the repository root. */
  tree: string;
  /** Bundle folder (absolute); its manifest.json and units/ are replaced. */
  out: string;
  parallelism: number;
  pr?: number;
  /** Folder of the persistent parse cache (see `infra-ci changes --cache-dir`); none when undefined. */
  cacheDir?: string | undefined;
  now?: () => Date;
}

export interface PlanResult {
  report: PlanReport;
  /** Written only when every unit planned. */
  manifest?: Manifest;
  /** Why the plan failed (names the units), when it did. */
  failure?: string;
  /**
   * Unit id → the unit ids it depends on (repository-relative): the head graph, plus the merge
   * base's entries of destroyed units. For the PR comment's dependency graph.
   */
  deps: Record<string, string[]>;
}

/** Repo-relative form of a folder option given absolute or repo-relative. */
export function repoRelative(repo: string, dir: string, option: string): string {
  const clean = repoPath(repo, dir);
  if (clean === undefined || clean === '') {
    throw new CliError('input', `--${option} ${dir} must be a folder inside the repository`);
  }
  return clean;
}

/** What git says about the PR: the commits, the merge base, the pinned tree hash, the changes. */
async function gitFacts(opts: PlanOptions) {
  const repo = await repoRootOf(opts.repoRoot);
  const [headSha, baseSha] = await Promise.all([
    resolveCommit(repo, opts.head),
    resolveCommit(repo, opts.base),
  ]);
  const tree = repoRelative(repo, opts.tree, 'tree');
  // Change detection evaluates the head tree anyway; its graph gives upstreamChanged.
  const [mb, infraTree, detected] = await Promise.all([
    mergeBase(repo, baseSha, headSha),
    treeHash(repo, headSha, tree),
    detectChangesAndGraph({
      repoRoot: repo,
      base: baseSha,
      head: headSha,
      root: opts.root,
      cacheDir: opts.cacheDir,
    }),
  ]);
  return { repo, headSha, baseSha, mb, infraTree, ...detected };
}

/** Unit id → its dependencies: the head graph over the merge base's (destroyed units). Pure. */
function depsOf(graph: UnitGraph, baseGraph: UnitGraph): Record<string, string[]> {
  return Object.fromEntries(
    [...Object.values(baseGraph.units), ...Object.values(graph.units)].map((u) => [
      u.id,
      u.dependencies,
    ]),
  );
}

/** What planUnit needs to know of `unit` in wave `wave` of `kind`. Pure. */
function unitTask(
  work: WorkList,
  graph: UnitGraph,
  baseGraph: UnitGraph,
  kind: Kind,
  wave: number,
  unit: string,
) {
  const baseUnits = new Set(Object.keys(baseGraph.units));
  const upstreamChanged = kind === 'apply' ? (work.upstreamChanged[unit] ?? []) : [];
  const awaits = (withoutOutputs: ReadonlySet<string>): string[] =>
    kind === 'apply'
      ? awaitedUpstreams(
          graph.units[unit]?.mocked ?? [],
          upstreamChanged,
          baseUnits,
          withoutOutputs,
        )
      : [];
  return { kind, wave, unit, upstreamChanged, by: work.byHand[kind].get(unit), awaits };
}

export async function planChanges(
  opts: PlanOptions,
  runner: TerragruntRunner,
): Promise<PlanResult> {
  const { repo, headSha, baseSha, mb, infraTree, changes, graph, baseGraph } = await gitFacts(opts);
  await clearBundle(opts.out);
  const versions = await runner.versions();

  // The same work list the merge recomputes from git (orchestrate/worklist.ts).
  const work = workList(changes, graph, baseGraph);
  const { applyWaves, destroyWaves } = work;
  const rows = planRowsOf(work);
  const units: Record<string, UnitPlan> = {};
  const failures: string[] = [];
  const planWaves = async (kind: Kind, waves: string[][], checkout: string): Promise<void> => {
    for (const [i, wave] of waves.entries()) {
      const outcomes = await runBounded(wave, opts.parallelism, (unit) =>
        planUnit(
          runner,
          opts.out,
          path.join(checkout, unit),
          unitTask(work, graph, baseGraph, kind, i + 1, unit),
        ),
      );
      failures.push(...recordOutcomes(rows, units, kind, outcomes));
      if (failures.length > 0) return;
    }
  };

  if (applyWaves.length > 0) {
    await withCheckout(repo, headSha, (dir) => planWaves('apply', applyWaves, dir));
  }
  if (failures.length === 0 && destroyWaves.length > 0) {
    // Destroyed units no longer exist at head: plan them from the merge base.
    await withWorktree(repo, mb, (dir) => planWaves('destroy', destroyWaves, dir));
  }

  const report: PlanReport = { headSha, baseSha, moved: changes.moved, rows };
  const deps = depsOf(graph, baseGraph);
  if (failures.length > 0) {
    return {
      report,
      deps,
      failure: `plan failed for ${failures.length} unit(s); no manifest written:\n${failures.join('\n')}`,
    };
  }
  const manifest: Manifest = {
    version: 1,
    ...(opts.pr === undefined ? {} : { pr: opts.pr }),
    headSha,
    baseSha,
    mergeBase: mb,
    infraTree,
    terraformVersion: versions.terraform,
    terragruntVersion: versions.terragrunt,
    createdAt: (opts.now?.() ?? new Date()).toISOString(),
    applyWaves,
    destroyWaves,
    moved: changes.moved,
    units,
  };
  await writeManifest(opts.out, manifest);
  return { report, manifest, deps };
}

type Kind = 'apply' | 'destroy';

/** Empties the bundle folder: an earlier run's manifest must never survive a failed plan. */
async function clearBundle(out: string): Promise<void> {
  await rm(path.join(out, MANIFEST), { force: true });
  await rm(path.join(out, 'units'), { recursive: true, force: true });
  await mkdir(path.join(out, 'units'), { recursive: true });
}

/** A `not started` row per unit to plan, in wave order, then the units excluded from plan. Pure. */
export function planRowsOf(work: WorkList): PlanRow[] {
  const planRows = (kind: Kind, waves: string[][]): PlanRow[] =>
    waves.flatMap((w, i) =>
      w.map((unit) => {
        const by = work.byHand[kind].get(unit);
        return {
          kind,
          wave: i + 1,
          unit,
          status: 'not started' as const,
          upstreamChanged: kind === 'apply' ? (work.upstreamChanged[unit] ?? []) : [],
          ...(by === undefined ? {} : { excluded: { action: kind, by } }),
        };
      }),
    );
  const excludedRows = (kind: Kind): PlanRow[] =>
    [...work.notPlanned[kind]]
      .map(([unit, by]) => ({
        kind,
        wave: 0,
        unit,
        status: 'excluded' as const,
        upstreamChanged: [],
        excluded: { action: 'plan' as const, by },
      }))
      .sort((a, b) => a.unit.localeCompare(b.unit));
  return [
    ...planRows('apply', work.applyWaves),
    ...planRows('destroy', work.destroyWaves),
    ...excludedRows('apply'),
    ...excludedRows('destroy'),
  ];
}

/** Plans one unit in `cwd` into the bundle folder `out`; its manifest entry. */
async function planUnit(
  runner: TerragruntRunner,
  out: string,
  cwd: string,
  u: {
    kind: Kind;
    wave: number;
    unit: string;
    upstreamChanged: string[];
    by: string | undefined;
    /** Mocked upstreams new in this change (plan/deferred.ts): a failed plan waits for them. */
    awaits: (withoutOutputs: ReadonlySet<string>) => string[];
  },
): Promise<UnitPlan & { error?: string }> {
  const file = planFileOf(u.unit);
  const abs = path.join(out, file);
  let changes: UnitPlan['changes'];
  try {
    await runner.plan({ unit: u.unit, cwd, out: abs, destroy: u.kind === 'destroy' });
    changes = await runner.show({ unit: u.unit, cwd, planFile: abs });
  } catch (error) {
    // Only the unit's own command failing is deferred; a missing tool or a cancelled run is not.
    if (!(error instanceof CliError) || error.code !== 'failed') throw error;
    if (runner.cancelled?.() === true) throw error;
    // Upstreams Terragrunt said it mocked because they have no outputs (runner.ts), as unit ids.
    const withoutOutputs = new Set(
      mockedUpstreamsOf(error.message).map((abs) =>
        path.posix.normalize(`${u.unit}/${path.relative(cwd, abs).replaceAll(path.sep, '/')}`),
      ),
    );
    const awaits = u.awaits(withoutOutputs);
    if (awaits.length === 0) throw error;
    await rm(abs, { force: true });
    return {
      kind: u.kind,
      wave: u.wave,
      file,
      upstreamChanged: u.upstreamChanged,
      changes: { add: 0, change: 0, destroy: 0, resources: [] },
      deferred: { upstreams: awaits },
      error: error.message,
    };
  }
  return {
    kind: u.kind,
    wave: u.wave,
    file,
    sha256: await sha256File(abs),
    upstreamChanged: u.upstreamChanged,
    changes,
    ...(u.by === undefined ? {} : { excluded: { by: u.by } }),
  };
}

/** Records a wave's outcomes in its rows and the manifest's units; the failures' messages. */
function recordOutcomes(
  rows: PlanRow[],
  units: Record<string, UnitPlan>,
  kind: Kind,
  outcomes: Outcome<string, UnitPlan & { error?: string }>[],
): string[] {
  const failures: string[] = [];
  for (const o of outcomes) {
    const row = rows.find((r) => r.kind === kind && r.unit === o.item && r.status !== 'excluded');
    if (row === undefined || o.status === 'not started') continue;
    if (o.status === 'ok' && o.value.deferred !== undefined) {
      const { error, ...entry } = o.value;
      units[o.item] = entry;
      row.status = 'deferred';
      row.deferred = o.value.deferred;
      if (error !== undefined) row.error = error;
    } else if (o.status === 'ok') {
      const { error: _none, ...entry } = o.value;
      units[o.item] = entry;
      row.status = 'planned';
      row.changes = o.value.changes;
    } else {
      row.status = 'failed';
      row.error = errorMessage(o.error);
      failures.push(row.error);
    }
  }
  return failures;
}
