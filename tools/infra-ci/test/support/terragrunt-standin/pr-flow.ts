/**
 * A PR's life in a temp repository, for apply tests: branch from main, change, plan (`planChanges`
 * with the stand-in), merge with --no-ff; plus a FakeGitHub knowing the PR and its artifact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ApplyOptions, applyPlans } from '../../../src/orchestrate/apply.js';
import { PLAN_WORKFLOW } from '../../../src/orchestrate/binding.js';
import { planChanges } from '../../../src/orchestrate/plan.js';
import { artifactName, type Manifest } from '../../../src/plan/bundle.js';
import type { ApplyReport } from '../../../src/plan/summary.js';
import { E, infraTree, TempRepo } from '../../helpers/repo.js';
import { FakeGitHub } from '../fake-github.js';
import { Standin } from './index.js';

export const P = `${E}/prod`;
export const PR_NUMBER = 3;
export const RUN_ID = 20;

export class PrFlow {
  readonly repo = new TempRepo().write(infraTree());
  readonly standin = new Standin();
  readonly tmp = mkdtempSync(path.join(tmpdir(), 'pr-flow-'));
  readonly bundle = path.join(this.tmp, 'bundle');
  readonly work = path.join(this.tmp, 'work');
  readonly base: string;
  head = '';
  merge = '';
  manifest: Manifest | undefined;
  private planCalls = 0;
  readonly github = new FakeGitHub();

  /** @param extra files written over infraTree() before the base commit (paths relative to the repository root). */
  constructor(extra: Record<string, string> = {}) {
    this.repo.write(extra);
    this.base = this.repo.commit('base');
  }

  /**
   * Commit the PR's change on branch `pr` and plan it (as the PR workflow does), with the parse
   * cache in `cacheDir` when given.
   */
  async openPr(change: (repo: TempRepo) => void, cacheDir?: string): Promise<this> {
    this.repo.git('checkout', '-q', '-b', 'pr');
    change(this.repo);
    this.head = this.repo.commit('pr change');
    const r = await planChanges(
      {
        repoRoot: this.repo.dir,
        base: 'main',
        head: 'HEAD',
        root: E,
        tree: 'infra',
        out: this.bundle,
        parallelism: 2,
        pr: PR_NUMBER,
        cacheDir,
      },
      this.standin.runner(),
    );
    if (r.manifest === undefined) throw new Error(`plan failed: ${r.failure}`);
    this.manifest = r.manifest;
    this.planCalls = this.standin.calls(this.repo.dir).length;
    return this;
  }

  /** Merge the PR into main (optionally after `onMain` lands another commit there) and register it. */
  /** openPr, then mergePr: the PR planned and merged, ready for apply. */
  async mergedPr(change: (repo: TempRepo) => void): Promise<this> {
    return (await this.openPr(change)).mergePr();
  }

  mergePr(onMain?: (repo: TempRepo) => void): this {
    this.repo.git('checkout', '-q', 'main');
    if (onMain) {
      onMain(this.repo);
      this.repo.commit('meanwhile on main');
    }
    this.repo.git('merge', '-q', '--no-ff', '-m', 'merge pr', 'pr');
    this.merge = this.repo.git('rev-parse', 'HEAD').trim();
    this.github.pulls.set(this.merge, {
      number: PR_NUMBER,
      headSha: this.head,
      baseSha: this.base,
      baseRef: 'main',
    });
    this.github.artifacts.push({
      id: 1,
      name: artifactName(this.head),
      runId: 11,
      headSha: this.head,
      createdAt: '2026-11-27T00:00:00Z',
      run: {
        event: 'pull_request',
        workflowPath: PLAN_WORKFLOW,
        pullRequests: [{ number: PR_NUMBER, baseRef: 'main' }],
      },
      dir: this.bundle,
    });
    return this;
  }

  apply(
    over: Partial<ApplyOptions> = {},
    github: FakeGitHub | null = this.github,
  ): Promise<ApplyReport> {
    return applyPlans(
      {
        repoRoot: this.repo.dir,
        mergeCommit: this.merge,
        tree: 'infra',
        root: E,
        work: this.work,
        parallelism: 2,
        runId: RUN_ID,
        ...over,
      },
      { runner: this.standin.runner(), ...(github === null ? {} : { github }) },
    );
  }

  /** terragrunt calls made after planning ("<op> <unit>"; units in a worktree as "wt:<unit>"). */
  applyCalls(): string[] {
    return this.standin
      .calls(this.repo.dir)
      .slice(this.planCalls)
      .map((c) => c.replace(/ (\.\.\/)+.*\/checkout\//, ' wt:'));
  }

  /** A FakeGitHub knowing the same PR and artifact, for tests that change what GitHub says. */
  freshGitHub(): FakeGitHub {
    const g = new FakeGitHub();
    g.pulls = new Map(this.github.pulls);
    g.artifacts = [...this.github.artifacts];
    return g;
  }

  cleanup(): void {
    this.repo.cleanup();
    this.standin.cleanup();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
