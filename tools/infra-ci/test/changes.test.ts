import { describe, expect, it } from 'vitest';
import { detectChangesPure, type FileChange } from '../src/changes/detect.js';
import type { Unit, UnitGraph } from '../src/terragrunt/load.js';

const E = 'infra/environments/prod';
function unit(id: string, dependencies: string[], reads: string[] = [], moduleDir?: string): Unit {
  return {
    id,
    dependencies,
    reads: [`${id}/terragrunt.hcl`, ...reads],
    moduleDirs: moduleDir ? [moduleDir] : [],
  };
}
function graph(...units: Unit[]): UnitGraph {
  return { units: Object.fromEntries(units.map((u) => [u.id, u])) };
}

const vpc1 = unit(
  `${E}/eu-central-1/vpc`,
  [],
  [`infra/environments/_common/vpc.hcl`, `${E}/eu-central-1/region.hcl`],
  'infra/modules/vpc',
);
const eks1 = unit(
  `${E}/eu-central-1/eks`,
  [`${E}/eu-central-1/vpc`],
  [`${E}/eu-central-1/region.hcl`],
);
const vpc2 = unit(
  `${E}/eu-west-2/vpc`,
  [],
  [`infra/environments/_common/vpc.hcl`, `${E}/eu-west-2/region.hcl`],
  'infra/modules/vpc',
);
const eks2 = unit(`${E}/eu-west-2/eks`, [`${E}/eu-west-2/vpc`], [`${E}/eu-west-2/region.hcl`]);
const ga = unit(`${E}/global/ga`, [`${E}/eu-central-1/eks`, `${E}/eu-west-2/eks`]);
const all = graph(vpc1, eks1, vpc2, eks2, ga);

const run = (changedFiles: FileChange[], base = all, head = all) =>
  detectChangesPure({ changedFiles, unitsAtBase: base, unitsAtHead: head });

describe('detectChangesPure', () => {
  it('a shared _common file changes the unit in both regions; dependents follow', () => {
    const r = run([{ status: 'M', path: 'infra/environments/_common/vpc.hcl' }]);
    expect(r.changed).toEqual([`${E}/eu-central-1/vpc`, `${E}/eu-west-2/vpc`]);
    expect(r.dependents).toEqual([`${E}/eu-central-1/eks`, `${E}/eu-west-2/eks`, `${E}/global/ga`]);
    expect(r.applyWaves).toEqual([[`${E}/eu-central-1/vpc`, `${E}/eu-west-2/vpc`]]);
  });

  it('a region.hcl change touches only that region', () => {
    const r = run([{ status: 'M', path: `${E}/eu-west-2/region.hcl` }]);
    expect(r.changed).toEqual([`${E}/eu-west-2/eks`, `${E}/eu-west-2/vpc`]);
    expect(r.applyWaves).toEqual([[`${E}/eu-west-2/vpc`], [`${E}/eu-west-2/eks`]]);
  });

  it('any file under a local module folder changes the units using it', () => {
    const r = run([{ status: 'A', path: 'infra/modules/vpc/nat.tf' }]);
    expect(r.changed).toEqual([`${E}/eu-central-1/vpc`, `${E}/eu-west-2/vpc`]);
    // The reason names the module and its file (issue #19), the dependents their chain.
    expect(r.reasons[`${E}/eu-west-2/vpc`]).toBe(
      'module source infra/modules/vpc: infra/modules/vpc/nat.tf (added)',
    );
    expect(r.dependentReasons).toEqual({
      [`${E}/eu-central-1/eks`]: `depends on ${E}/eu-central-1/vpc (changed)`,
      [`${E}/eu-west-2/eks`]: `depends on ${E}/eu-west-2/vpc (changed)`,
      [`${E}/global/ga`]: `depends on ${E}/eu-central-1/eks, which depends on ${E}/eu-central-1/vpc (changed)`,
    });
    expect(run([{ status: 'M', path: 'infra/modules/vpcx/main.tf' }]).changed).toEqual([]);
  });

  it("a unit's own non-config file changes it", () => {
    expect(run([{ status: 'M', path: `${E}/global/ga/README.md` }]).changed).toEqual([
      `${E}/global/ga`,
    ]);
  });

  it('a deleted unit is destroyed, in reverse dependency order from the base graph', () => {
    const head = graph(vpc1, vpc2, eks2);
    const r = run(
      [
        { status: 'D', path: `${E}/eu-central-1/eks/terragrunt.hcl` },
        { status: 'D', path: `${E}/global/ga/terragrunt.hcl` },
      ],
      all,
      head,
    );
    expect(r.destroyed).toEqual([`${E}/eu-central-1/eks`, `${E}/global/ga`]);
    expect(r.destroyWaves).toEqual([[`${E}/global/ga`], [`${E}/eu-central-1/eks`]]);
    expect(r.changed).toEqual([]);
  });

  it('a moved unit is destroyed at the old place, changed at the new one, and flagged', () => {
    const moved = unit(`${E}/eu-central-1/network`, []);
    const head = graph(moved, eks2, vpc2);
    const base = graph(vpc1, eks2, vpc2);
    const r = run(
      [
        {
          status: 'R',
          from: `${E}/eu-central-1/vpc/terragrunt.hcl`,
          path: `${E}/eu-central-1/network/terragrunt.hcl`,
        },
      ],
      base,
      head,
    );
    expect(r.moved).toEqual([{ from: `${E}/eu-central-1/vpc`, to: `${E}/eu-central-1/network` }]);
    expect(r.destroyed).toEqual([`${E}/eu-central-1/vpc`]);
    expect(r.changed).toEqual([`${E}/eu-central-1/network`]);
  });

  it('a new unit is changed even without listing its files', () => {
    const extra = unit(`${E}/eu-west-2/ecr`, []);
    expect(run([], all, graph(vpc1, eks1, vpc2, eks2, ga, extra)).changed).toEqual([
      `${E}/eu-west-2/ecr`,
    ]);
  });
});

describe('reads at the base, probes, globs and unknown reads (issue #12)', () => {
  const a = unit(`${E}/a`, []);
  it('a file the unit read only at the base changes it', () => {
    const atBase = graph({ ...a, reads: [...a.reads, `${E}/old.hcl`] });
    const r = run([{ status: 'M', path: `${E}/old.hcl` }], atBase, graph(a));
    expect(r.changed).toEqual([a.id]);
    expect(r.reasons).toEqual({ [a.id]: `at the base: reads ${E}/old.hcl (modified)` });
  });
  it('a probed path (looked for, not read) added at head changes it', () => {
    const head = graph({ ...a, probes: [`${E}/x/region.hcl`] });
    const r = run([{ status: 'A', path: `${E}/x/region.hcl` }], graph(a), head);
    expect(r.reasons).toEqual({ [a.id]: `looks for ${E}/x/region.hcl (added)` });
  });
  it('a probed folder appearing (a file added under it) changes it; a modified probe does not', () => {
    const head = graph({ ...a, probes: [`${E}/x/_envcommon`, `${E}/y/region.hcl`] });
    const r = run([{ status: 'A', path: `${E}/x/_envcommon/vpc.hcl` }], graph(a), head);
    expect(r.reasons).toEqual({ [a.id]: `looks for ${E}/x/_envcommon/vpc.hcl (added)` });
    expect(run([{ status: 'M', path: `${E}/y/region.hcl` }], graph(a), head).changed).toEqual([]);
  });
  it('a new match of a glob the unit reads changes it', () => {
    const head = graph({ ...a, globs: ['policies/**'] });
    const r = run([{ status: 'A', path: 'policies/new/p.json' }], graph(a), head);
    expect(r.reasons).toEqual({ [a.id]: 'reads policies/new/p.json (added)' });
    expect(run([{ status: 'A', path: 'other/p.json' }], graph(a), head).changed).toEqual([]);
  });
  it('unknown reads at head (or only at the base) change it whatever the diff', () => {
    const unknown = { ...a, unknown: ['x.hcl:3: run_cmd(): the command may read any file', 'y'] };
    expect(run([], graph(a), graph(unknown)).reasons).toEqual({
      [a.id]: 'reads not known: x.hcl:3: run_cmd(): the command may read any file (+1 more)',
    });
    expect(run([], graph(unknown), graph(a)).reasons).toEqual({
      [a.id]:
        'reads at the base not known: x.hcl:3: run_cmd(): the command may read any file (+1 more)',
    });
    expect(run([], graph(a), graph(a)).changed).toEqual([]);
  });
});
