/**
 * PR flow: plan every changed unit wave by wave (bounded parallelism inside a wave), destroyed
 * units with `plan -destroy` from a worktree of the merge base, and write the plan bundle.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
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
import type { PlanReport, PlanRow } from '../plan/summary.js';
import { repoPath } from '../terragrunt/paths.js';
import type { TerragruntRunner } from '../terragrunt/runner.js';
import { treeHash, withCheckout, withWorktree } from './git.js';
import { runBounded } from './pool.js';
import { workList } from './worklist.js';

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
}

/** Repo-relative form of a folder option given absolute or repo-relative. */
export function repoRelative(repo: string, dir: string, option: string): string {
  const clean = repoPath(repo, dir);
  if (clean === undefined || clean === '') {
    throw new CliError('input', `--${option} ${dir} must be a folder inside the repository`);
  }
  return clean;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function planChanges(
  opts: PlanOptions,
  runner: TerragruntRunner,
): Promise<PlanResult> {
  const repo = await repoRootOf(opts.repoRoot);
  const [headSha, baseSha] = await Promise.all([
    resolveCommit(repo, opts.head),
    resolveCommit(repo, opts.base),
  ]);
  const tree = repoRelative(repo, opts.tree, 'tree');
  // Change detection evaluates the head tree anyway; its graph gives upstreamChanged.
  const [mb, infraTree, { changes, graph, baseGraph }] = await Promise.all([
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
  await rm(path.join(opts.out, MANIFEST), { force: true });
  await rm(path.join(opts.out, 'units'), { recursive: true, force: true });
  await mkdir(path.join(opts.out, 'units'), { recursive: true });
  const versions = await runner.versions();

  // The same work list the merge recomputes from git (orchestrate/worklist.ts).
  const { applyWaves, destroyWaves, upstreamChanged, notPlanned, byHand } = workList(
    changes,
    graph,
    baseGraph,
  );

  const planRows = (kind: 'apply' | 'destroy', waves: string[][]): PlanRow[] =>
    waves.flatMap((w, i) =>
      w.map((unit) => {
        const by = byHand[kind].get(unit);
        return {
          kind,
          wave: i + 1,
          unit,
          status: 'not started' as const,
          upstreamChanged: kind === 'apply' ? (upstreamChanged[unit] ?? []) : [],
          ...(by === undefined ? {} : { excluded: { action: kind, by } }),
        };
      }),
    );
  const excludedRows = (kind: 'apply' | 'destroy'): PlanRow[] =>
    [...notPlanned[kind]].map(([unit, by]) => ({
      kind,
      wave: 0,
      unit,
      status: 'excluded' as const,
      upstreamChanged: [],
      excluded: { action: 'plan' as const, by },
    }));
  const rows: PlanRow[] = [
    ...planRows('apply', applyWaves),
    ...planRows('destroy', destroyWaves),
    ...excludedRows('apply').sort((a, b) => a.unit.localeCompare(b.unit)),
    ...excludedRows('destroy').sort((a, b) => a.unit.localeCompare(b.unit)),
  ];
  const rowOf = (kind: 'apply' | 'destroy', unit: string): PlanRow =>
    rows.find((r) => r.kind === kind && r.unit === unit && r.status !== 'excluded') as PlanRow;
  const units: Record<string, UnitPlan> = {};
  const failures: string[] = [];

  const planWaves = async (
    kind: 'apply' | 'destroy',
    waves: string[][],
    checkout: string,
  ): Promise<void> => {
    for (const [i, wave] of waves.entries()) {
      const outcomes = await runBounded(wave, opts.parallelism, async (unit) => {
        const file = planFileOf(unit);
        const abs = path.join(opts.out, file);
        const cwd = path.join(checkout, unit);
        await runner.plan({ unit, cwd, out: abs, destroy: kind === 'destroy' });
        const planChanges = await runner.show({ unit, cwd, planFile: abs });
        const entry: UnitPlan = {
          kind,
          wave: i + 1,
          file,
          sha256: await sha256File(abs),
          upstreamChanged: rowOf(kind, unit).upstreamChanged,
          changes: planChanges,
          ...(byHand[kind].has(unit) ? { excluded: { by: byHand[kind].get(unit) as string } } : {}),
        };
        return entry;
      });
      for (const o of outcomes) {
        const row = rowOf(kind, o.item);
        if (o.status === 'ok') {
          units[o.item] = o.value;
          row.status = 'planned';
          row.changes = o.value.changes;
        } else if (o.status === 'failed') {
          row.status = 'failed';
          row.error = message(o.error);
          failures.push(row.error);
        }
      }
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
  if (failures.length > 0) {
    return {
      report,
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
  return { report, manifest };
}
