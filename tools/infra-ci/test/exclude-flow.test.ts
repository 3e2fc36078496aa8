import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { renderApplySummary, renderPlanSummary } from '../src/plan/summary.js';
import { CLI_MAIN, inProcessIo } from './helpers/cli.js';
import { E, infraTree, type TempRepo, touchedCommon } from './helpers/repo.js';
import { P, PrFlow } from './support/terragrunt-standin/pr-flow.js';

const VPC = `${P}/eu-central-1/vpc`;
const EKS = `${P}/eu-central-1/eks`;
const GA = `${P}/global/ga`;
const BY_HAND =
  'exclude {\n  if                   = true\n  actions              = ["apply", "destroy"]\n  exclude_dependencies = false\n}\n';

const unitFile = (id: string) => `${id}/terragrunt.hcl`;
const withBlock = (id: string, block: string) => ({
  [unitFile(id)]: `${infraTree()[unitFile(id)]}\n${block}`,
});
/** The PR: `id` gets the exclude block (so it changes), and the eks units change too. */
const excludeAndTouchEks =
  (id: string, block = BY_HAND) =>
  (repo: TempRepo) => {
    repo.write(withBlock(id, block));
    repo.write(touchedCommon('eks'));
  };

let flow: PrFlow;
afterEach(() => flow.cleanup());

/** `infra-ci apply --plans <bundle>` in process (offline: no GitHub), as the merge job runs it. */
async function applyCli(f: PrFlow): Promise<{ code: number; stdout: string; stderr: string }> {
  let stderr = '';
  const { io, out } = inProcessIo(
    ['apply', '--merge-commit', f.merge, '--work', f.work, '--plans', f.bundle],
    f.repo.dir,
  );
  const services = {
    github: async () => {
      throw new Error('no GitHub offline');
    },
    runner: async () => f.standin.runner(),
  };
  const code = await run(io, (t) => (stderr += t), services);
  return { code, stdout: out.stdout, stderr };
}

describe('exclude blocks in plan and apply (stand-in terragrunt)', () => {
  it('plan: a unit excluded from apply/destroy is planned, marked "apply by hand" with the command', async () => {
    flow = new PrFlow();
    await flow.openPr(excludeAndTouchEks(VPC));
    const m = flow.manifest;
    expect(flow.standin.calls(flow.repo.dir)).toContain(`plan ${VPC}`);
    expect(m?.units[VPC]).toMatchObject({ kind: 'apply', wave: 1, excluded: { by: VPC } });
    expect(m?.units[EKS]).not.toHaveProperty('excluded');
    expect(m?.units[EKS]?.upstreamChanged).toEqual([VPC]);
    expect(m?.applyWaves[0]).toContain(VPC);
  });

  it('apply: skips the excluded unit (no terragrunt call in it), applies its dependent, exit 0 with a ::warning', async () => {
    flow = new PrFlow();
    await flow.mergedPr(excludeAndTouchEks(VPC));
    const r = await applyCli(flow);
    expect(r.stderr).not.toContain('FAIL');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`| apply 1 | \`${VPC}\` | apply | `);
    expect(r.stdout).toMatch(/\| skipped: excluded from apply \(apply by hand\) \|/);
    expect(r.stdout).toContain(
      `::warning title=infra-ci apply::${VPC} was not applied: excluded from apply by its exclude block. Apply it by hand: cd ${VPC} && terragrunt apply`,
    );
    const calls = flow.applyCalls();
    expect(calls.filter((c) => c.endsWith(` ${VPC}`))).toEqual([]);
    // The dependent goes on: re-planned (its upstream changed in the PR; still the reviewed plan) and applied.
    expect(calls).toEqual(
      expect.arrayContaining([`backend bootstrap ${EKS}`, `plan ${EKS}`, `apply ${EKS}`]),
    );
  });

  it('apply report (library): the skipped row names the exclude block; the dependent in the next wave is applied', async () => {
    flow = new PrFlow();
    await flow.mergedPr(excludeAndTouchEks(VPC));
    const report = await flow.apply();
    expect(report.outcome).toEqual({ kind: 'applied' });
    expect(report.rows.find((x) => x.unit === VPC)).toMatchObject({
      result: 'excluded',
      excludedBy: VPC,
    });
    // eu-west-2/eks in wave 1 (nothing it depends on changed), eu-central-1/eks after the skipped vpc.
    expect(report.rows.filter((x) => x.result === 'applied').map((x) => x.unit)).toEqual([
      `${P}/eu-west-2/eks`,
      EKS,
    ]);
    expect(renderApplySummary(report)).toContain('**Applied** 2 unit(s). 1 skipped');
  });

  it('plan: the PR summary lists the unit under "apply by hand" with the terragrunt command', async () => {
    flow = new PrFlow();
    await flow.openPr(excludeAndTouchEks(VPC));
    // The summary is built from the same rows planChanges returns; re-plan to get the report.
    const { planChanges } = await import('../src/orchestrate/plan.js');
    const r = await planChanges(
      {
        repoRoot: flow.repo.dir,
        base: 'main',
        head: 'HEAD',
        root: E,
        tree: 'infra',
        out: flow.bundle,
        parallelism: 2,
      },
      flow.standin.runner(),
    );
    const md = renderPlanSummary(r.report);
    expect(md).toContain('**1 unit(s) to apply by hand**');
    expect(md).toContain(
      `- \`${VPC}\`: \`cd ${VPC} && terragrunt apply\` (in a checkout of main, with admin credentials)`,
    );
    expect(md).toMatch(
      new RegExp(
        `\\| apply 1 \\| \`${VPC}\` \\| apply \\|.*\\*\\*apply by hand\\*\\*: excluded from apply by its \`exclude\` block`,
      ),
    );
  });

  it('a unit excluded from plan ("all") is neither planned nor applied, and listed as excluded', async () => {
    flow = new PrFlow();
    await flow.openPr(
      excludeAndTouchEks(VPC, 'exclude {\n  if      = true\n  actions = ["all"]\n}\n'),
    );
    const m = flow.manifest;
    expect(flow.standin.calls(flow.repo.dir).filter((c) => c.endsWith(` ${VPC}`))).toEqual([]);
    expect(m?.units).not.toHaveProperty(VPC);
    expect(m?.applyWaves.flat()).not.toContain(VPC);
    flow.mergePr();
    const report = await flow.apply();
    expect(report.outcome).toEqual({ kind: 'applied' });
    expect(flow.applyCalls().filter((c) => c.endsWith(` ${VPC}`))).toEqual([]);
  });

  it('if = false: the unit is planned and applied as usual', async () => {
    flow = new PrFlow();
    await flow.openPr(
      excludeAndTouchEks(
        VPC,
        'exclude {\n  if      = false\n  actions = ["apply", "destroy"]\n}\n',
      ),
    );
    expect(flow.manifest?.units[VPC]).not.toHaveProperty('excluded');
    flow.mergePr();
    const report = await flow.apply();
    expect(report.outcome).toEqual({ kind: 'applied' });
    expect(flow.applyCalls()).toContain(`apply ${VPC}`);
  });

  it('a deleted unit excluded from destroy (base config) is planned with -destroy but not destroyed', async () => {
    flow = new PrFlow(withBlock(GA, BY_HAND));
    await flow.openPr((repo) => repo.remove(GA));
    expect(flow.manifest?.units[GA]).toMatchObject({ kind: 'destroy', excluded: { by: GA } });
    flow.mergePr();
    const r = await applyCli(flow);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| skipped: excluded from destroy \(destroy by hand\) \|/);
    expect(r.stdout).toContain(`::warning title=infra-ci apply::${GA} was not destroyed`);
    expect(flow.applyCalls()).toEqual([]);
  });

  it('exclude_dependencies = true: the dependency is planned, marked by its dependent, and not applied either', async () => {
    flow = new PrFlow();
    await flow.openPr((repo) => {
      repo.write(
        withBlock(
          EKS,
          'exclude {\n  if                   = true\n  actions              = ["apply"]\n  exclude_dependencies = true\n}\n',
        ),
      );
      repo.write(touchedCommon('vpc'));
    });
    expect(flow.manifest?.units[VPC]).toMatchObject({ kind: 'apply', excluded: { by: EKS } });
    expect(flow.manifest?.units[EKS]).toMatchObject({ kind: 'apply', excluded: { by: EKS } });
    expect(flow.manifest?.units[`${P}/eu-west-2/vpc`]).not.toHaveProperty('excluded');
    flow.mergePr();
    const report = await flow.apply();
    expect(report.outcome).toEqual({ kind: 'applied' });
    const calls = flow.applyCalls();
    expect(calls.filter((c) => c.endsWith(` ${VPC}`) || c.endsWith(` ${EKS}`))).toEqual([]);
    expect(calls).toContain(`apply ${P}/eu-west-2/vpc`);
  });

  it('changes (spawned CLI): JSON lists the exclusion; a malformed block is exit 2 naming file and line', () => {
    flow = new PrFlow();
    const base = flow.base;
    flow.repo.write(withBlock(VPC, BY_HAND));
    flow.repo.commit('by hand');
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [CLI_MAIN, ...args, '--no-cache'], {
        cwd: flow.repo.dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
        timeout: 20_000,
      });
    const ok = cli(['changes', '--base', base]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).excluded).toEqual({ plan: [], apply: [VPC], destroy: [] });
    const file = unitFile(VPC);
    const text = `${infraTree()[file]}\nexclude {\n  if      = "maybe"\n  actions = ["apply"]\n}\n`;
    flow.repo.write({ [file]: text });
    flow.repo.commit('broken');
    const bad = cli(['changes', '--base', base]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    const line = text.split('\n').findIndex((l) => l.includes('"maybe"')) + 1;
    expect(bad.stderr).toContain(`${file}:${line}: exclude.if must be a bool (got "maybe")`);
  });
});
