/**
 * Merge flow, part 1: the checks that bind the plan bundle to the merged PR and to the merge
 * itself. Part 2 (orchestrate/apply.ts) runs only what passed.
 */

import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { repoRootOf, resolveCommit } from '../git/git.js';
import type { GitHubPort, PullRequestRef } from '../github/port.js';
import { detectChangesAndGraph } from '../index.js';
import { artifactName, type Manifest, readManifest, verifyChecksums } from '../plan/bundle.js';
import type { ApplyReport } from '../plan/summary.js';
import type { TerragruntRunner, Versions } from '../terragrunt/runner.js';
import {
  type Binding,
  manifestPrProblem,
  PLAN_WORKFLOW,
  pickArtifact,
  pullRequestProblem,
  workListProblems,
} from './binding.js';
import { previousChange, treeHash } from './git.js';
import { repoRelative } from './plan.js';
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

const RE_PLAN =
  "re-plan needed: re-run the PR's plan workflow, then this apply (or, when the PR changed, open a follow-up PR: it plans on top of main)";

/** Conclusions of a run that never applied anything (it waited, then was dropped). */
const NOT_RUN = new Set(['cancelled', 'skipped', 'stale']);

/** The outcome of the checks: a refusal report, or what to apply. */
export type Verified =
  | { kind: 'refused'; report: ApplyReport }
  | {
      kind: 'ok';
      repo: string;
      merge: string;
      /** The merge's first parent: the tree destroyed units are destroyed from. */
      base: string;
      bundle: string;
      manifest: Manifest;
      work: WorkList;
      pr: PullRequestRef | undefined;
    };

/**
 * Every refusal of the merge flow, in order (see `apply --help`): nothing is applied unless all
 * pass. Returns what the apply then runs from: the downloaded bundle, its manifest and the work
 * list recomputed from git.
 */
export async function verifyBundle(opts: ApplyOptions, deps: ApplyDeps): Promise<Verified> {
  const repo = await repoRootOf(opts.repoRoot);
  const merge = await resolveCommit(repo, opts.mergeCommit);
  const tree = repoRelative(repo, opts.tree, 'tree');
  const gh = deps.github;
  let pr: PullRequestRef | undefined;
  const refuse = (msg: string, m?: Manifest): Verified => ({
    kind: 'refused',
    report: {
      mergeCommit: merge,
      ...(pr === undefined ? {} : { pr: pr.number }),
      ...(m === undefined ? {} : { headSha: m.headSha }),
      outcome: { kind: 'refused', message: msg },
      rows: [],
    },
  });
  // 1. One apply at a time, in merge order.
  if (gh !== undefined && opts.runId !== undefined) {
    const busy = await runOrderProblem(gh, opts.runId, repo, merge, tree);
    if (busy !== undefined) return refuse(busy);
  }
  // 2. The merged PR, into the base branch.
  if (gh !== undefined) {
    pr = await gh.pullRequestForMergeCommit(merge);
    if (pr === undefined) {
      return refuse(
        `no merged pull request for ${merge}: infra changes reach main only through a reviewed PR; apply nothing (push the change as a PR).`,
      );
    }
    const wrongBase = pullRequestProblem(pr, bindingOf(opts, pr.number));
    if (wrongBase !== undefined) return refuse(`wrong base branch: ${wrongBase}.`);
  }
  // 3. The artifact, bound to this PR.
  const bundle = opts.plansDir ?? (await downloadBundle(opts, gh, pr));
  if (typeof bundle !== 'string') return refuse(bundle.refused);
  const read = await readManifest(bundle);
  if (!read.ok) return refuse(`not a usable plan bundle: ${read.problem}; ${RE_PLAN}.`);
  const m = read.manifest;
  const root = repoRelative(repo, opts.root, 'root');
  // 4. The manifest's units, PR and head SHA; 5. checksums.
  const wrong = manifestProblem(m, root, pr) ?? checksumProblem(await verifyChecksums(bundle, m));
  if (wrong !== undefined) return refuse(wrong, m);
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
  const late =
    workListProblem(m, work, parent, merge) ?? versionProblem(m, await deps.runner.versions());
  if (late !== undefined) return refuse(late, m);
  return { kind: 'ok', repo, merge, base: parent, bundle, manifest: m, work, pr };
}

const bindingOf = (opts: ApplyOptions, n: number): Binding => ({
  pr: n,
  baseBranch: opts.baseBranch ?? 'main',
  workflowPath: opts.planWorkflowPath ?? PLAN_WORKFLOW,
});

/**
 * 1a. Another run of this workflow, created earlier, is queued or running. 1b. Applies go in merge
 * order: GitHub keeps one run waiting per concurrency group and cancels the older waiting one, so
 * an earlier merge's apply may never have run: while the previous infra change has runs and none
 * of them got past waiting, refuse.
 */
async function runOrderProblem(
  gh: GitHubPort,
  runId: number,
  repo: string,
  merge: string,
  tree: string,
): Promise<string | undefined> {
  const active = await gh.earlierActiveRuns(runId);
  if (active.length > 0) {
    return `another apply is running: ${active.map((r) => r.htmlUrl).join(', ')}. Re-run this one after it finished (applies run one at a time, oldest first).`;
  }
  const previous = await previousChange(repo, merge, tree);
  const runs = previous === undefined ? [] : await gh.runsForCommit(runId, previous);
  const ranToAnEnd = runs.some((r) => r.status === 'completed' && !NOT_RUN.has(r.conclusion ?? ''));
  if (previous === undefined || runs.length === 0 || ranToAnEnd) return undefined;
  return `the previous infra change ${previous} was never applied: its run ${runs.map((r) => `${r.htmlUrl} (${r.conclusion ?? r.status})`).join(', ')} did not run to an end. Re-run it first, then this one: applies go in merge order.`;
}

/** 3. The PR's plan artifact, uploaded by a pull_request run of infra-pr for PR #n into main. */
async function downloadBundle(
  opts: ApplyOptions,
  gh: GitHubPort | undefined,
  pr: PullRequestRef | undefined,
): Promise<string | { refused: string }> {
  if (gh === undefined || pr === undefined) {
    throw new CliError(
      'input',
      'apply needs GitHub to find the plans (GITHUB_TOKEN and GITHUB_REPOSITORY), or --plans DIR',
    );
  }
  const name = artifactName(pr.headSha);
  const candidates = await gh.planArtifacts(name, pr.headSha);
  if (candidates.length === 0) {
    return {
      refused: `missing artifact: no unexpired ${name} for PR #${pr.number} head ${pr.headSha}; ${RE_PLAN}.`,
    };
  }
  const b = bindingOf(opts, pr.number);
  const picked = pickArtifact(candidates, b);
  if ('problems' in picked) {
    return {
      refused: `artifact not bound to PR #${pr.number}: ${picked.problems.join('; ')}; only a pull_request run of ${b.workflowPath} for this PR into ${b.baseBranch} makes plans that may be applied; ${RE_PLAN}.`,
    };
  }
  const bundle = path.join(opts.work, 'plans');
  await rm(bundle, { recursive: true, force: true });
  await gh.downloadArtifact(picked.artifact, bundle);
  return bundle;
}

/** Units outside `root`, another PR, or another head SHA than the merged PR's. Pure. */
function manifestProblem(
  m: Manifest,
  root: string,
  pr: PullRequestRef | undefined,
): string | undefined {
  const outside = Object.keys(m.units).filter((u) => !u.startsWith(`${root}/`));
  if (outside.length > 0) {
    return `not a usable plan bundle: units outside ${root}: ${outside.join(', ')}.`;
  }
  if (pr === undefined) return undefined;
  const otherPr = manifestPrProblem(m, pr);
  if (otherPr !== undefined) return `PR mismatch: ${otherPr}; ${RE_PLAN}.`;
  if (m.headSha === pr.headSha) return undefined;
  return `head SHA mismatch: the plans are for ${m.headSha} but PR #${pr.number} was merged at head ${pr.headSha}; ${RE_PLAN}.`;
}

/** 5. Plan files whose sha256 is not the manifest's. Pure. */
function checksumProblem(bad: Awaited<ReturnType<typeof verifyChecksums>>): string | undefined {
  if (bad.length === 0) return undefined;
  const list = bad
    .map((b) => `${b.unit} (${b.file}: expected ${b.expected}, got ${b.actual ?? 'missing file'})`)
    .join('; ');
  return `checksum mismatch: ${list}; the plan files are not the reviewed ones; ${RE_PLAN}.`;
}

/** 7. The bundle's units differ from the work list recomputed from git. Pure. */
function workListProblem(m: Manifest, work: WorkList, parent: string, merge: string) {
  const differ = workListProblems(m, work);
  if (differ.length === 0) return undefined;
  return `work list mismatch: the bundle does not hold exactly the units the merge ${parent.slice(0, 12)}..${merge.slice(0, 12)} changes (recomputed from git): ${differ.join('; ')}; ${RE_PLAN}.`;
}

/** 8. The runner's terraform/terragrunt versions are not the plan's. Pure. */
function versionProblem(m: Manifest, v: Versions): string | undefined {
  if (v.terraform === m.terraformVersion && v.terragrunt === m.terragruntVersion) return undefined;
  return `version mismatch: planned with terraform ${m.terraformVersion} / terragrunt ${m.terragruntVersion}, this runner has terraform ${v.terraform} / terragrunt ${v.terragrunt}; pin the same versions in both workflows, then ${RE_PLAN}.`;
}
