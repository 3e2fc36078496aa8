import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slug } from '../src/plan/bundle.js';
import { REPLAN_MARKER, renderApplySummary } from '../src/plan/summary.js';
import { touchCommon } from './helpers/repo.js';
import { P, PR_NUMBER, PrFlow } from './support/terragrunt-standin/pr-flow.js';

let flow: PrFlow;
beforeEach(() => {
  flow = new PrFlow();
});
afterEach(() => flow.cleanup());

const results = (rows: { step: string; unit: string; result: string }[]) =>
  rows.map((r) => `${r.step} ${r.unit.slice(P.length + 1)}: ${r.result}`);

describe('infra-ci apply (library, stand-in terragrunt, fake GitHub)', () => {
  it('re-plans every unit with main code first, then applies the fresh plans wave by wave; an upstream-changed unit is re-planned in its wave', async () => {
    await flow.mergedPr(touchCommon('vpc', 'eks'));
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toEqual({ kind: 'applied' });
    expect(flow.applyCalls()).toEqual([
      `plan ${P}/eu-central-1/vpc`,
      `show ${P}/eu-central-1/vpc`,
      `plan ${P}/eu-west-2/vpc`,
      `show ${P}/eu-west-2/vpc`,
      `backend bootstrap ${P}/eu-central-1/vpc`,
      `apply ${P}/eu-central-1/vpc`,
      `backend bootstrap ${P}/eu-west-2/vpc`,
      `apply ${P}/eu-west-2/vpc`,
      `backend bootstrap ${P}/eu-central-1/eks`,
      `plan ${P}/eu-central-1/eks`,
      `show ${P}/eu-central-1/eks`,
      `apply ${P}/eu-central-1/eks`,
      `backend bootstrap ${P}/eu-west-2/eks`,
      `plan ${P}/eu-west-2/eks`,
      `show ${P}/eu-west-2/eks`,
      `apply ${P}/eu-west-2/eks`,
    ]);
    const applied = flow.standin.events().filter((e) => !e.end && e.args[0] === 'apply');
    // Fresh plans made at merge for all: vpc before any apply, eks in its wave.
    expect(applied[0]?.args.at(-1)).toBe(
      path.join(flow.work, 'replans', `${slug(`${P}/eu-central-1/vpc`)}.tfplan`),
    );
    expect(applied[2]?.args.at(-1)).toBe(
      path.join(flow.work, 'replans', `${slug(`${P}/eu-central-1/eks`)}.tfplan`),
    );
    expect(r.rows.every((x) => x.result === 'applied')).toBe(true);
    expect(r.rows.find((x) => x.unit.endsWith('eu-west-2/eks'))?.freshSha256).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect(flow.github.calls).toEqual([
      'earlierActiveRuns 20',
      `runsForCommit ${flow.base}`,
      `pullRequestForMergeCommit ${flow.merge}`,
      `planArtifacts infra-plans-${flow.head}`,
      'downloadArtifact 1',
    ]);
  });

  it('a re-planned unit that differs stops the apply: fresh plan posted on the PR, later waves not run', async () => {
    await flow.mergedPr(touchCommon('vpc', 'eks', 'ga'));
    flow.standin.scenario({
      units: {
        'eu-west-2/eks': {
          resources: [{ address: 'aws_eks_cluster.this', actions: ['delete', 'create'] }],
        },
      },
    });
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toMatchObject({ kind: 'review', unit: `${P}/eu-west-2/eks` });
    expect(r.outcome.kind === 'review' && r.outcome.message).toContain(
      `re-planned ${P}/eu-west-2/eks differs from the reviewed plan`,
    );
    expect(results(r.rows)).toEqual([
      'apply eu-central-1/vpc: applied',
      'apply eu-west-2/vpc: applied',
      'apply eu-central-1/eks: applied',
      'apply eu-west-2/eks: differs from review',
      'apply global/ga: not started',
    ]);
    const calls = flow.applyCalls();
    expect(calls).not.toContain(`apply ${P}/eu-west-2/eks`);
    expect(calls.filter((c) => c.includes('global/ga'))).toEqual([]);
    expect(flow.github.comments).toHaveLength(1);
    expect(flow.github.comments[0]).toMatchObject({ pr: PR_NUMBER, marker: REPLAN_MARKER });
    expect(flow.github.comments[0]?.body).toContain('`aws_eks_cluster.this`: delete, create');
  });

  it('a re-planned unit that differs, with the PR comment failing: still stops, still reports', async () => {
    await flow.mergedPr(touchCommon('vpc', 'eks'));
    flow.standin.scenario({
      units: {
        'eu-west-2/eks': { resources: [{ address: 'aws_eks_cluster.this', actions: ['delete'] }] },
      },
    });
    flow.github.commentError = new Error('GitHub API POST …/comments: HTTP 422');
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toMatchObject({ kind: 'review', unit: `${P}/eu-west-2/eks` });
    expect(r.outcome.kind === 'review' && r.outcome.message).toContain('HTTP 422');
    // The fresh plan is in the report (job summary, log) instead.
    expect(r.outcome.kind === 'review' && r.outcome.message).toContain(
      '`aws_eks_cluster.this`: delete',
    );
    expect(results(r.rows)).toContain('apply eu-central-1/eks: applied');
  });

  it('a failure mid-wave lets the wave finish, starts no later wave, and the summary says what applied', async () => {
    await flow.mergedPr(touchCommon('vpc', 'eks'));
    flow.standin.scenario({ units: { 'eu-central-1/vpc': { fail: ['apply'] } } });
    const r = await flow.apply({ parallelism: 2 });
    expect(r.outcome.kind).toBe('failed');
    expect(r.outcome.kind === 'failed' && r.outcome.message).toContain(
      `${P}/eu-central-1/vpc: \`terragrunt apply -input=false -lock-timeout=5m --non-interactive`,
    );
    expect(results(r.rows)).toEqual([
      'apply eu-central-1/vpc: failed',
      'apply eu-west-2/vpc: applied',
      'apply eu-central-1/eks: not started',
      'apply eu-west-2/eks: not started',
    ]);
    expect(flow.applyCalls().filter((c) => c.includes('/eks'))).toEqual([]);
    const md = renderApplySummary(r);
    expect(md).toContain('Applied: 1 · failed: 1');
    expect(md).toMatch(
      new RegExp(`\\| apply 1 \\| \`${P}/eu-west-2/vpc\` \\| apply \\| .* \\| applied \\|`),
    );
    expect(md).toMatch(/\| apply 2 \| `[^`]*eu-central-1\/eks` \| apply \| .* \| not started \|/);
  });

  it('destroys after the apply waves, dependents first, from the merge base, backend delete after each', async () => {
    await flow.openPr((repo) => {
      touchCommon('vpc')(repo);
      repo.remove(`${P}/global/ga`).remove(`${P}/eu-west-2/eks`);
    });
    flow.mergePr();
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toEqual({ kind: 'applied' });
    expect(flow.applyCalls()).toEqual([
      `plan ${P}/eu-central-1/vpc`,
      `show ${P}/eu-central-1/vpc`,
      `plan ${P}/eu-west-2/vpc`,
      `show ${P}/eu-west-2/vpc`,
      `plan -destroy wt:${P}/global/ga`,
      `show wt:${P}/global/ga`,
      `plan -destroy wt:${P}/eu-west-2/eks`,
      `show wt:${P}/eu-west-2/eks`,
      `backend bootstrap ${P}/eu-central-1/vpc`,
      `apply ${P}/eu-central-1/vpc`,
      `backend bootstrap ${P}/eu-west-2/vpc`,
      `apply ${P}/eu-west-2/vpc`,
      `apply wt:${P}/global/ga`,
      `backend delete wt:${P}/global/ga`,
      `apply wt:${P}/eu-west-2/eks`,
      `backend delete wt:${P}/eu-west-2/eks`,
    ]);
    const destroyApply = flow.standin
      .events()
      .find((e) => !e.end && e.args[0] === 'apply' && e.cwd.endsWith('global/ga'));
    expect(destroyApply?.args.at(-1)).toBe(
      path.join(flow.work, 'replans', `${slug(`${P}/global/ga`)}.tfplan`),
    );
    expect(existsSync(destroyApply?.cwd as string)).toBe(false);
    expect(results(r.rows).slice(-2)).toEqual([
      'destroy global/ga: destroyed',
      'destroy eu-west-2/eks: destroyed',
    ]);
  });

  it('a moved unit: the old side is destroyed first, then the new one created in its wave', async () => {
    await flow.openPr((repo) => {
      touchCommon('vpc')(repo);
      repo.move(`${P}/global/ga`, `${P}/global/accelerator`);
    });
    flow.mergePr();
    expect(flow.manifest?.moved).toEqual([
      { from: `${P}/global/ga`, to: `${P}/global/accelerator` },
    ]);
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toEqual({ kind: 'applied' });
    expect(flow.applyCalls()).toEqual([
      `plan -destroy wt:${P}/global/ga`,
      `show wt:${P}/global/ga`,
      `plan ${P}/eu-central-1/vpc`,
      `show ${P}/eu-central-1/vpc`,
      `plan ${P}/eu-west-2/vpc`,
      `show ${P}/eu-west-2/vpc`,
      `plan ${P}/global/accelerator`,
      `show ${P}/global/accelerator`,
      `apply wt:${P}/global/ga`,
      `backend delete wt:${P}/global/ga`,
      `backend bootstrap ${P}/eu-central-1/vpc`,
      `apply ${P}/eu-central-1/vpc`,
      `backend bootstrap ${P}/eu-west-2/vpc`,
      `apply ${P}/eu-west-2/vpc`,
      `backend bootstrap ${P}/global/accelerator`,
      `apply ${P}/global/accelerator`,
    ]);
    expect(results(r.rows)).toEqual([
      'moved global/ga: destroyed',
      'apply eu-central-1/vpc: applied',
      'apply eu-west-2/vpc: applied',
      'apply global/accelerator: applied',
    ]);
  });

  it('a moved unit with a deleted dependent: the dependent is destroyed before the old side', async () => {
    await flow.openPr((repo) => {
      repo.move(`${P}/eu-west-2/eks`, `${P}/eu-west-2/cluster`);
      repo.remove(`${P}/global/ga`);
    });
    flow.mergePr();
    expect(flow.manifest?.destroyWaves).toEqual([[`${P}/global/ga`], [`${P}/eu-west-2/eks`]]);
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toEqual({ kind: 'applied' });
    expect(flow.applyCalls()).toEqual([
      `plan -destroy wt:${P}/global/ga`,
      `show wt:${P}/global/ga`,
      `plan -destroy wt:${P}/eu-west-2/eks`,
      `show wt:${P}/eu-west-2/eks`,
      `plan ${P}/eu-west-2/cluster`,
      `show ${P}/eu-west-2/cluster`,
      `apply wt:${P}/global/ga`,
      `backend delete wt:${P}/global/ga`,
      `apply wt:${P}/eu-west-2/eks`,
      `backend delete wt:${P}/eu-west-2/eks`,
      `backend bootstrap ${P}/eu-west-2/cluster`,
      `apply ${P}/eu-west-2/cluster`,
    ]);
  });

  it('a previous apply that ran to an end, even failed, does not block the next one', async () => {
    await flow.mergedPr(touchCommon('vpc'));
    flow.github.commitRuns.set(flow.base, [
      {
        id: 16,
        status: 'completed',
        conclusion: 'cancelled',
        htmlUrl: 'https://github.com/acme/platform/actions/runs/16',
        startedAt: '2026-11-27T00:00:00Z',
      },
      {
        id: 17,
        status: 'completed',
        conclusion: 'failure',
        htmlUrl: 'https://github.com/acme/platform/actions/runs/17',
        startedAt: '2026-11-27T00:01:00Z',
      },
    ]);
    const r = await flow.apply();
    expect(r.outcome).toEqual({ kind: 'applied' });
  });

  it('a commit on main outside the infra tree does not make the plan stale', async () => {
    await flow.openPr(touchCommon('vpc'));
    flow.mergePr((repo) => repo.write({ 'README.md': 'docs\n' }));
    const r = await flow.apply();
    expect(r.outcome).toEqual({ kind: 'applied' });
    expect(flow.applyCalls().filter((c) => c.startsWith('apply'))).toHaveLength(2);
  });
});
