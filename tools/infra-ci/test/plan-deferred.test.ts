import { afterEach, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../src/plan/bundle.js';
import { awaitedUpstreams, renderDeferredSection } from '../src/plan/deferred.js';
import { type PlanRow, renderPlanSummary } from '../src/plan/summary.js';
import { mockedUpstreamsIn, mockedUpstreamsOf } from '../src/terragrunt/mock-outputs.js';
import { infraTree, type TempRepo, touchCommon } from './helpers/repo.js';
import { P, PrFlow } from './support/terragrunt-standin/pr-flow.js';

describe('awaitedUpstreams (pure)', () => {
  const base = new Set(['r1/vpc', 'r1/eks']);
  it('a mocked upstream new in the change is awaited', () => {
    expect(awaitedUpstreams(['r2/vpc'], ['r2/vpc'], base)).toEqual(['r2/vpc']);
  });
  it('an upstream that exists at the base is not (its plan reads its real outputs)', () => {
    expect(awaitedUpstreams(['r1/vpc'], ['r1/vpc'], base)).toEqual([]);
  });
  it('a new upstream that is not mocked is not (the plan fails like any other)', () => {
    expect(awaitedUpstreams([], ['r2/vpc'], base)).toEqual([]);
  });
  it('a mocked upstream not changed in this change is not', () => {
    expect(awaitedUpstreams(['r2/vpc'], [], base)).toEqual([]);
  });
  it('an upstream at the base that Terragrunt reported without outputs (never applied) is awaited', () => {
    expect(awaitedUpstreams(['r1/vpc'], ['r1/vpc'], base, new Set(['r1/vpc']))).toEqual(['r1/vpc']);
    // ...but only when changed here: otherwise the merge would not re-plan the unit.
    expect(awaitedUpstreams(['r1/vpc'], [], base, new Set(['r1/vpc']))).toEqual([]);
  });
  it('several, sorted and distinct', () => {
    expect(awaitedUpstreams(['r2/vpc', 'r2/eks', 'r2/vpc'], ['r2/eks', 'r2/vpc'], base)).toEqual([
      'r2/eks',
      'r2/vpc',
    ]);
  });
});

describe("Terragrunt's mock-outputs warning (pure)", () => {
  const warn = (p: string) =>
    `14:02:01.000 WARN   Config ${p} is a dependency of ./terragrunt.hcl that has no outputs, but mock outputs provided and returning those in dependency output.`;
  it('reads absolute and unit-relative config paths, as folders', () => {
    const log = `${warn('/w/r1/vpc/terragrunt.hcl')}\n${warn('../eks/terragrunt.hcl')}\nError: x\n${warn('../eks/terragrunt.hcl')}`;
    expect(mockedUpstreamsIn(log, '/w/r1/k8s')).toEqual(['/w/r1/eks', '/w/r1/vpc']);
    expect(mockedUpstreamsIn('Error: nothing mocked', '/w')).toEqual([]);
  });
  it("round-trips through a failed call's message", () => {
    const message =
      'u: `terragrunt plan` exited with code 1:\nError: x\nTerragrunt used mock outputs of upstream(s) without outputs: /w/r1/eks, /w/r1/vpc';
    expect(mockedUpstreamsOf(message)).toEqual(['/w/r1/eks', '/w/r1/vpc']);
    expect(mockedUpstreamsOf('u: `terragrunt plan` exited with code 1')).toEqual([]);
  });
});

const row = (over: Partial<PlanRow>): PlanRow => ({
  kind: 'apply',
  wave: 1,
  unit: 'u',
  status: 'planned',
  upstreamChanged: [],
  changes: { add: 0, change: 0, destroy: 0, resources: [] },
  ...over,
});

describe('the PR comment', () => {
  it('lists deferred units in their own section, with the upstream and the plan error', () => {
    const rows = [
      row({ unit: 'r2/vpc', changes: { add: 1, change: 0, destroy: 0, resources: [] } }),
      row({
        unit: 'r2/kubernetes',
        wave: 2,
        status: 'deferred',
        changes: undefined,
        upstreamChanged: ['r2/eks'],
        deferred: { upstreams: ['r2/eks'] },
        error:
          "r2/kubernetes: `terragrunt plan` exited with code 1:\nError: reading EKS Cluster (prod-r2): couldn't find resource",
      }),
    ];
    const section = renderDeferredSection(rows).join('\n');
    expect(section).toMatch(/^\*\*1 unit\(s\) planned after their upstream applies\*\*/);
    expect(section).toContain(
      "- `r2/kubernetes` — after `r2/eks`; its PR plan failed with: `r2/kubernetes: 'terragrunt plan' exited with code 1: Error: reading EKS Cluster (prod-r2): couldn't find resource`",
    );
    const md = renderPlanSummary({
      headSha: 'a'.repeat(40),
      baseSha: 'b'.repeat(40),
      moved: [],
      rows,
    });
    expect(md).toContain(section);
    expect(md).not.toMatch(/Plan failed/);
    expect(md).toMatch(
      /\| `r2\/kubernetes` \| apply \| – \| – \| – \| .*\*\*planned after its upstream applies\*\*/,
    );
    expect(renderDeferredSection([rows[0] as PlanRow])).toEqual([]);
  });
});

const NEW = `${P}/us-east-1`;
/** The PR adds region us-east-1: a new vpc and a new eks unit mocking it. */
const addRegion = (repo: TempRepo) => {
  const t = infraTree();
  repo.write({
    [`${NEW}/region.hcl`]: 'locals {\n  aws_region = "us-east-1"\n}\n',
    [`${NEW}/vpc/terragrunt.hcl`]: t[`${P}/eu-west-2/vpc/terragrunt.hcl`] as string,
    [`${NEW}/eks/terragrunt.hcl`]: t[`${P}/eu-west-2/eks/terragrunt.hcl`] as string,
  });
};

describe('a unit whose mocked upstream is new in the PR (stand-in terragrunt)', () => {
  let flow: PrFlow;
  afterEach(() => flow.cleanup());

  it('its failed plan does not fail the PR: planned after its upstream applies; the merge re-plans it and stops for review', async () => {
    flow = new PrFlow();
    flow.standin.scenario({ units: { 'us-east-1/eks': { fail: ['plan'] } } });
    await flow.openPr(addRegion);
    const m = flow.manifest;
    expect(m?.units[`${NEW}/eks`]).toMatchObject({
      kind: 'apply',
      wave: 2,
      upstreamChanged: [`${NEW}/vpc`],
      deferred: { upstreams: [`${NEW}/vpc`] },
      changes: { resources: [] },
    });
    expect(m?.units[`${NEW}/eks`]?.sha256).toBeUndefined();
    expect(m?.units[`${NEW}/vpc`]?.deferred).toBeUndefined();

    // At merge: the vpc is applied, then the eks unit is planned (now it can be) and, having no
    // reviewed plan to match, stops for review with its fresh plan; nothing of it is applied.
    flow.standin.scenario({
      units: {
        'us-east-1/eks': { resources: [{ address: 'aws_eks_cluster.this', actions: ['create'] }] },
      },
    });
    const report = await flow.mergePr().apply();
    expect(report.outcome.kind).toBe('review');
    const calls = flow.applyCalls();
    expect(calls).toContain(`apply ${NEW}/vpc`);
    expect(calls).toContain(`plan ${NEW}/eks`);
    expect(calls).not.toContain(`apply ${NEW}/eks`);
  });

  it('an upstream at the base that Terragrunt mocked for lack of outputs is waited for too', async () => {
    flow = new PrFlow();
    flow.standin.scenario({
      units: {
        'eu-west-2/eks': {
          fail: ['plan'],
          stderr:
            'WARN   Config ../vpc/terragrunt.hcl is a dependency of ./terragrunt.hcl that has no outputs, but mock outputs provided and returning those in dependency output.',
        },
      },
    });
    await flow.openPr(touchCommon('vpc', 'eks'));
    expect(flow.manifest?.units[`${P}/eu-west-2/eks`]?.deferred).toEqual({
      upstreams: [`${P}/eu-west-2/vpc`],
    });
    expect(flow.manifest?.units[`${P}/eu-central-1/eks`]?.deferred).toBeUndefined();
  });

  it("fails the PR when the failing unit's upstream exists at the base (nothing to wait for)", async () => {
    flow = new PrFlow();
    flow.standin.scenario({ units: { 'eu-west-2/eks': { fail: ['plan'] } } });
    await expect(flow.openPr(touchCommon('vpc', 'eks'))).rejects.toThrow(
      /plan failed for 1 unit\(s\)/,
    );
  });
});

describe('the manifest schema', () => {
  const entry = {
    kind: 'apply',
    wave: 1,
    file: 'units/a.tfplan',
    upstreamChanged: ['v'],
    changes: { add: 0, change: 0, destroy: 0, resources: [] },
  };
  const manifest = (units: Record<string, unknown>) => ({
    version: 1,
    headSha: 'a'.repeat(40),
    baseSha: 'b'.repeat(40),
    mergeBase: 'b'.repeat(40),
    infraTree: 'c'.repeat(40),
    terraformVersion: '1',
    terragruntVersion: '1',
    createdAt: 'x',
    applyWaves: [['a']],
    destroyWaves: [],
    moved: [],
    units,
  });
  it('accepts a deferred entry without a plan file, refuses one the merge would not re-plan', () => {
    expect(
      ManifestSchema.safeParse(manifest({ a: { ...entry, deferred: { upstreams: ['v'] } } }))
        .success,
    ).toBe(true);
    const notReplanned = ManifestSchema.safeParse(
      manifest({ a: { ...entry, upstreamChanged: [], deferred: { upstreams: ['v'] } } }),
    );
    expect(notReplanned.error?.issues[0]?.message).toMatch(/not in upstreamChanged/);
    const noSha = ManifestSchema.safeParse(manifest({ a: entry }));
    expect(noSha.error?.issues[0]?.message).toBe('sha256 is required');
  });
});
