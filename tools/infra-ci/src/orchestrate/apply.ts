/**
 * Merge flow: find the PR's plan bundle, refuse unless it is exactly what was reviewed for the tree
 * being merged, then apply it: moved units' old side destroyed first, apply waves in order (units
 * with changed upstreams re-planned and compared), then destroys in destroyWaves order.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { repoRootOf, resolveCommit } from '../git/git.js';
import type { GitHubPort, PullRequestRef } from '../github/port.js';
import { detectChangesAndGraph } from '../index.js';
import {
  artifactName,
  type Changes,
  type Manifest,
  readManifest,
  sameResources,
  sha256File,
  slug,
  verifyChecksums,
} from '../plan/bundle.js';
import {
  type ApplyReport,
  type ApplyRow,
  type ApplyStep,
  REPLAN_MARKER,
  renderReplanComment,
} from '../plan/summary.js';
import type { TerragruntRunner } from '../terragrunt/runner.js';
import {
  type Binding,
  manifestPrProblem,
  PLAN_WORKFLOW,
  pickArtifact,
  pullRequestProblem,
  workListProblems,
} from './binding.js';
import { previousChange, treeHash, withCheckout, withWorktree } from './git.js';
import { repoRelative } from './plan.js';
import { runBounded } from './pool.js';
import { type WorkList, workList } from './worklist.js';

export interface ApplyOptions {
  /** Any folder inside the repository. */
  repoRoot: string;
  mergeCommit: string;
  /** Folder whose git tree hash must equal the manifest's (`infra`). */
  tree: string;
  /** Folder holding the units (absolute or repo-relative): every planned unit must be inside it. */
  root: string;
  /** Scratch folder (absolute): downloaded bundle, re-plans. */
  work: string;
  parallelism: number;
  /** An already-downloaded bundle: skips finding/downloading the artifact. */
  plansDir?: string;
  /** This workflow run ($GITHUB_RUN_ID): enables the one-apply-at-a-time check. */
  runId?: number;
  /** The branch merged PRs must target and plans must have been made against. Default `main`. */
  baseBranch?: string;
  /** The only workflow whose pull_request runs make plans. Default `.github/workflows/infra-pr.yml`. */
  planWorkflowPath?: string;
}

export interface ApplyDeps {
  runner: TerragruntRunner;
  /** Absent offline (then --plans is required and the PR checks are skipped). */
  github?: GitHubPort;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const RE_PLAN =
  "re-plan needed: re-run the PR's plan workflow, then this apply (or, when the PR changed, open a follow-up PR: it plans on top of main)";

/** Conclusions of a run that never applied anything (it waited, then was dropped). */
const NOT_RUN = new Set(['cancelled', 'skipped', 'stale']);

export async function applyPlans(opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyReport> {
  const repo = await repoRootOf(opts.repoRoot);
  const merge = await resolveCommit(repo, opts.mergeCommit);
  const tree = repoRelative(repo, opts.tree, 'tree');
  const gh = deps.github;
  let pr: PullRequestRef | undefined;
  const refuse = (msg: string, m?: Manifest): ApplyReport => ({
    mergeCommit: merge,
    ...(pr === undefined ? {} : { pr: pr.number }),
    ...(m === undefined ? {} : { headSha: m.headSha }),
    outcome: { kind: 'refused', message: msg },
    rows: [],
  });

  // 1a. One apply at a time.
  if (gh !== undefined && opts.runId !== undefined) {
    const runs = await gh.earlierActiveRuns(opts.runId);
    if (runs.length > 0) {
      return refuse(
        `another apply is running: ${runs.map((r) => r.htmlUrl).join(', ')}. Re-run this one after it finished (applies run one at a time, oldest first).`,
      );
    }
  }
  // 1b. Applies go in merge order. GitHub keeps one run waiting per concurrency group and cancels
  // the older waiting one, so an earlier merge's apply may never have run: while the previous
  // infra change has runs and none of them got past waiting, refuse.
  if (gh !== undefined && opts.runId !== undefined) {
    const previous = await previousChange(repo, merge, tree);
    const runs = previous === undefined ? [] : await gh.runsForCommit(opts.runId, previous);
    const ranToAnEnd = runs.some(
      (r) => r.status === 'completed' && !NOT_RUN.has(r.conclusion ?? ''),
    );
    if (previous !== undefined && runs.length > 0 && !ranToAnEnd) {
      return refuse(
        `the previous infra change ${previous} was never applied: its run ${runs.map((r) => `${r.htmlUrl} (${r.conclusion ?? r.status})`).join(', ')} did not run to an end. Re-run it first, then this one: applies go in merge order.`,
      );
    }
  }
  const binding = (n: number): Binding => ({
    pr: n,
    baseBranch: opts.baseBranch ?? 'main',
    workflowPath: opts.planWorkflowPath ?? PLAN_WORKFLOW,
  });
  // 2. The merged PR, into the base branch.
  if (gh !== undefined) {
    pr = await gh.pullRequestForMergeCommit(merge);
    if (pr === undefined) {
      return refuse(
        `no merged pull request for ${merge}: infra changes reach main only through a reviewed PR; apply nothing (push the change as a PR).`,
      );
    }
    const wrongBase = pullRequestProblem(pr, binding(pr.number));
    if (wrongBase !== undefined) return refuse(`wrong base branch: ${wrongBase}.`);
  }
  // 3. The artifact.
  let bundle = opts.plansDir;
  if (bundle === undefined) {
    if (gh === undefined || pr === undefined) {
      throw new CliError(
        'input',
        'apply needs GitHub to find the plans (GITHUB_TOKEN and GITHUB_REPOSITORY), or --plans DIR',
      );
    }
    const name = artifactName(pr.headSha);
    const candidates = await gh.planArtifacts(name, pr.headSha);
    if (candidates.length === 0) {
      return refuse(
        `missing artifact: no unexpired ${name} for PR #${pr.number} head ${pr.headSha}; ${RE_PLAN}.`,
      );
    }
    // 3b. Bound to this PR: a pull_request run of infra-pr for PR #n into main.
    const picked = pickArtifact(candidates, binding(pr.number));
    if ('problems' in picked) {
      return refuse(
        `artifact not bound to PR #${pr.number}: ${picked.problems.join('; ')}; only a pull_request run of ${binding(pr.number).workflowPath} for this PR into ${binding(pr.number).baseBranch} makes plans that may be applied; ${RE_PLAN}.`,
      );
    }
    bundle = path.join(opts.work, 'plans');
    await rm(bundle, { recursive: true, force: true });
    await gh.downloadArtifact(picked.artifact, bundle);
  }
  const read = await readManifest(bundle);
  if (!read.ok) return refuse(`not a usable plan bundle: ${read.problem}; ${RE_PLAN}.`);
  const m = read.manifest;
  const root = repoRelative(repo, opts.root, 'root');
  const outside = Object.keys(m.units).filter((u) => !u.startsWith(`${root}/`));
  if (outside.length > 0) {
    return refuse(`not a usable plan bundle: units outside ${root}: ${outside.join(', ')}.`, m);
  }
  // 4. The manifest's PR and head SHA.
  const otherPr = pr === undefined ? undefined : manifestPrProblem(m, pr);
  if (otherPr !== undefined) return refuse(`PR mismatch: ${otherPr}; ${RE_PLAN}.`, m);
  if (pr !== undefined && m.headSha !== pr.headSha) {
    return refuse(
      `head SHA mismatch: the plans are for ${m.headSha} but PR #${pr.number} was merged at head ${pr.headSha}; ${RE_PLAN}.`,
      m,
    );
  }
  // 5. Checksums.
  const bad = await verifyChecksums(bundle, m);
  if (bad.length > 0) {
    const list = bad
      .map(
        (b) => `${b.unit} (${b.file}: expected ${b.expected}, got ${b.actual ?? 'missing file'})`,
      )
      .join('; ');
    return refuse(
      `checksum mismatch: ${list}; the plan files are not the reviewed ones; ${RE_PLAN}.`,
      m,
    );
  }
  // 6. Stale plan.
  const mergedTree = await treeHash(repo, merge, tree);
  if (mergedTree !== m.infraTree) {
    return refuse(
      `stale plan: the ${tree}/ tree at ${merge} (${mergedTree}) differs from the planned head ${m.headSha} (${m.infraTree}) — the base moved after planning; re-plan needed: open a follow-up PR (it plans on top of main). Requiring infra PRs to be up to date with main before merging prevents this.`,
      m,
    );
  }
  // 7. The work list, recomputed from git at the merge with the code of `infra-ci changes`
  // (no parse cache): the bundle must hold exactly these units, and only they are run.
  const parent = await resolveCommit(repo, `${merge}^1`).catch(() => undefined);
  if (parent === undefined) return refuse(`${merge} has no parent to diff against.`, m);
  const { changes, graph, baseGraph } = await detectChangesAndGraph({
    repoRoot: repo,
    base: parent,
    head: merge,
    root,
  });
  const work = workList(changes, graph, baseGraph);
  const differ = workListProblems(m, work);
  if (differ.length > 0) {
    return refuse(
      `work list mismatch: the bundle does not hold exactly the units the merge ${parent.slice(0, 12)}..${merge.slice(0, 12)} changes (recomputed from git): ${differ.join('; ')}; ${RE_PLAN}.`,
      m,
    );
  }
  // 8. Versions.
  const versions = await deps.runner.versions();
  if (versions.terraform !== m.terraformVersion || versions.terragrunt !== m.terragruntVersion) {
    return refuse(
      `version mismatch: planned with terraform ${m.terraformVersion} / terragrunt ${m.terragruntVersion}, this runner has terraform ${versions.terraform} / terragrunt ${versions.terragrunt}; pin the same versions in both workflows, then ${RE_PLAN}.`,
      m,
    );
  }

  return execute(repo, merge, bundle, m, work, pr, opts, deps);
}

async function execute(
  repo: string,
  merge: string,
  bundle: string,
  m: Manifest,
  work: WorkList,
  pr: PullRequestRef | undefined,
  opts: ApplyOptions,
  deps: ApplyDeps,
): Promise<ApplyReport> {
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
    work.destroyWaves.length > 0 ? withWorktree(repo, m.mergeBase, fn) : fn(undefined);

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
