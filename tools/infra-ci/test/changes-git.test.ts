import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { detectChanges, loadUnitGraph } from '../src/index.js';
import { E, infraTree, TempRepo } from './helpers/repo.js';

const P = `${E}/prod`;
let repo: TempRepo;
let base: string;

beforeEach(() => {
  repo = new TempRepo().write(infraTree());
  base = repo.commit('base');
});
afterEach(() => repo.cleanup());

const changes = (head = 'HEAD') => detectChanges({ repoRoot: repo.dir, base, head, root: E });

describe('detectChanges over real git repositories', () => {
  it('a _common change touches the unit in both regions, with dependents', async () => {
    repo.write({ [`${E}/_common/vpc.hcl`]: `${infraTree()[`${E}/_common/vpc.hcl`]}\n# tweak\n` });
    repo.commit('common');
    const r = await changes();
    expect(r.changed).toEqual([`${P}/eu-central-1/vpc`, `${P}/eu-west-2/vpc`]);
    expect(r.dependents).toEqual([`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`, `${P}/global/ga`]);
    expect(r.applyWaves).toEqual([[`${P}/eu-central-1/vpc`, `${P}/eu-west-2/vpc`]]);
  });

  it('a region.hcl change touches that region only (root.hcl reads it)', async () => {
    repo.write({
      [`${P}/eu-west-2/region.hcl`]: 'locals {\n  aws_region = "eu-west-2"\n  x = 1\n}\n',
    });
    repo.commit('region');
    const r = await changes();
    expect(r.changed).toEqual([`${P}/eu-west-2/eks`, `${P}/eu-west-2/vpc`]);
    expect(r.applyWaves).toEqual([[`${P}/eu-west-2/vpc`], [`${P}/eu-west-2/eks`]]);
  });

  it('a module file change touches the units using that module', async () => {
    repo.write({ 'infra/modules/eks/outputs.tf': 'output "x" { value = 1 }\n' });
    repo.commit('module');
    const r = await changes();
    expect(r.changed).toEqual([`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`]);
    expect(r.dependents).toEqual([`${P}/global/ga`]);
  });

  it('a change in a local module called by the unit module counts too', async () => {
    repo.write({
      'infra/modules/eks/main.tf': 'module "tags" {\n  source = "../shared/tags"\n}\n',
      'infra/modules/shared/tags/main.tf': 'output "tags" {\n  value = {}\n}\n',
    });
    base = repo.commit('nested module');
    repo.write({
      'infra/modules/shared/tags/variables.tf': 'variable "x" {\n  type = string\n}\n',
    });
    repo.commit('change nested');
    expect((await changes()).changed).toEqual([`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`]);
  });

  it('a deleted unit is destroyed, in reverse dependency order', async () => {
    repo.remove(`${P}/global/ga`).remove(`${P}/eu-west-2/eks`);
    repo.commit('delete');
    const r = await changes();
    expect(r.destroyed).toEqual([`${P}/eu-west-2/eks`, `${P}/global/ga`]);
    expect(r.destroyWaves).toEqual([[`${P}/global/ga`], [`${P}/eu-west-2/eks`]]);
    expect(r.changed).toEqual([]);
  });

  it('a moved unit is flagged, destroyed and changed', async () => {
    repo.move(`${P}/global/ga`, `${P}/global/accelerator`);
    repo.commit('move');
    const r = await changes();
    expect(r.moved).toEqual([{ from: `${P}/global/ga`, to: `${P}/global/accelerator` }]);
    expect(r.destroyed).toEqual([`${P}/global/ga`]);
    expect(r.changed).toEqual([`${P}/global/accelerator`]);
  });

  it('a cycle is an error naming its units (exit 2)', async () => {
    repo.write({
      [`${P}/eu-west-2/vpc/terragrunt.hcl`]: `${infraTree()[`${P}/eu-west-2/vpc/terragrunt.hcl`]}\ndependency "eks" {\n  config_path = "../eks"\n}\n`,
    });
    repo.commit('cycle');
    const err = await changes().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toContain(`${P}/eu-west-2/eks -> ${P}/eu-west-2/vpc`);
  });

  it('an unknown ref is an error naming the ref', async () => {
    const err = await changes('no-such-branch').catch((e: unknown) => e);
    expect((err as CliError).message).toContain('"no-such-branch"');
    expect((err as CliError).exitCode).toBe(2);
  });

  it('loadUnitGraph reads the working tree or a ref', async () => {
    repo.remove(`${P}/global/ga`);
    const work = await loadUnitGraph({ repoRoot: repo.dir, root: E });
    const atBase = await loadUnitGraph({ repoRoot: repo.dir, root: E, ref: base });
    expect(Object.keys(work.units)).not.toContain(`${P}/global/ga`);
    expect(atBase.units[`${P}/global/ga`]?.dependencies).toEqual([
      `${P}/eu-central-1/eks`,
      `${P}/eu-west-2/eks`,
    ]);
  });
});
