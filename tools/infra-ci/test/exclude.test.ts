import { describe, expect, it } from 'vitest';
import { detectChangesPure } from '../src/changes/detect.js';
import { CliError } from '../src/errors.js';
import { HclParser } from '../src/hcl/parse.js';
import {
  type ExcludeGraph,
  excludedUnits,
  isActionListed,
  mergeExclude,
} from '../src/terragrunt/exclude.js';
import { loadUnits } from '../src/terragrunt/load.js';
import { memoryTree } from '../src/terragrunt/tree.js';
import { E, infraTree } from './helpers/repo.js';

const P = `${E}/prod`;
const VPC = `${P}/eu-central-1/vpc`;
const EKS = `${P}/eu-central-1/eks`;

const load = (extra: Record<string, string>) =>
  loadUnits(memoryTree('/repo', { ...infraTree(), ...extra }), E, new HclParser());

/** The unit file of `id` in infraTree() with `text` appended. */
const withBlock = (id: string, text: string): Record<string, string> => ({
  [`${id}/terragrunt.hcl`]: `${infraTree()[`${id}/terragrunt.hcl`]}\n${text}`,
});

const loadError = async (extra: Record<string, string>): Promise<string> => {
  const err = await load(extra).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  expect((err as CliError).code).toBe('input');
  return (err as CliError).message;
};

/** 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('exclude semantics (pure, as Terragrunt)', () => {
  it('lists an action by name (any case), by "all", and by "all_except_output" except output', () => {
    expect(isActionListed(['apply', 'destroy'], 'apply')).toBe(true);
    expect(isActionListed(['apply', 'destroy'], 'plan')).toBe(false);
    expect(isActionListed(['apply'], 'APPLY')).toBe(true);
    expect(isActionListed(['all'], 'output')).toBe(true);
    expect(isActionListed(['all_except_output'], 'destroy')).toBe(true);
    expect(isActionListed(['all_except_output'], 'output')).toBe(false);
    expect(isActionListed([], 'plan')).toBe(false);
  });

  it('excludes a unit only when "if" is true; exclude_dependencies excludes its direct dependencies too', () => {
    const g: ExcludeGraph = {
      units: {
        a: { dependencies: [] },
        b: { dependencies: ['a'] },
        c: {
          dependencies: ['b'],
          exclude: { if: true, actions: ['apply'], excludeDependencies: true, noRun: false },
        },
        d: {
          dependencies: [],
          exclude: { if: false, actions: ['all'], excludeDependencies: true, noRun: false },
        },
      },
    };
    expect([...excludedUnits(g, 'apply', ['a', 'b', 'c', 'd'])]).toEqual([
      ['c', 'c'],
      ['b', 'c'],
    ]);
    expect([...excludedUnits(g, 'plan', ['a', 'b', 'c', 'd'])]).toEqual([]);
    // Only units of the selection are reported.
    expect([...excludedUnits(g, 'apply', ['a', 'b'])]).toEqual([['b', 'c']]);
  });

  it('merges like Terragrunt: the unit overrides its includes field by field, actions only when non-empty', () => {
    const at = { file: 'f', line: 1 };
    const included = {
      if: true,
      actions: ['apply'],
      excludeDependencies: true,
      noRun: undefined,
      at,
    };
    expect(
      mergeExclude(included, {
        if: false,
        actions: [],
        excludeDependencies: undefined,
        noRun: undefined,
        at,
      }),
    ).toEqual({ if: false, actions: ['apply'], excludeDependencies: true, noRun: undefined, at });
  });

  it('changes lists excluded changed units (head config) and destroyed ones (base config)', () => {
    const ex = (actions: string[]) => ({
      if: true,
      actions,
      excludeDependencies: false,
      noRun: false,
    });
    const unit = (id: string, extra: object = {}) => ({
      id,
      dependencies: [],
      reads: [`${id}/terragrunt.hcl`],
      moduleDirs: [],
      ...extra,
    });
    const head = {
      units: { x: unit('x', { exclude: ex(['apply', 'destroy']) }), y: unit('y'), z: unit('z') },
    };
    head.units.z = unit('z', { exclude: ex(['all']) });
    const base = {
      units: { ...head.units, gone: unit('gone', { exclude: ex(['destroy']) }) },
    };
    const r = detectChangesPure({
      changedFiles: ['x', 'y', 'z', 'gone'].map((u) => ({
        status: 'M' as const,
        path: `${u}/terragrunt.hcl`,
      })),
      unitsAtBase: base,
      unitsAtHead: head,
    });
    expect(r.changed).toEqual(['x', 'y', 'z']);
    // z ("all") is not planned: listed under plan only.
    expect(r.excluded).toEqual({ plan: ['z'], apply: ['x'], destroy: ['gone'] });
  });
});

describe('exclude blocks in unit configs', () => {
  it('reads the block of a unit (graph JSON field); units without one have no field', async () => {
    const { graph } = await load(
      withBlock(
        VPC,
        'exclude {\n  if                   = true\n  actions              = ["apply", "destroy"]\n  exclude_dependencies = false\n}\n',
      ),
    );
    expect(graph.units[VPC]?.exclude).toEqual({
      if: true,
      actions: ['apply', 'destroy'],
      excludeDependencies: false,
      noRun: false,
    });
    expect(graph.units[EKS]).not.toHaveProperty('exclude');
    expect([...excludedUnits(graph, 'apply', [VPC, EKS])]).toEqual([[VPC, VPC]]);
    expect([...excludedUnits(graph, 'plan', [VPC, EKS])]).toEqual([]);
  });

  it('if = false: not excluded', async () => {
    const { graph } = await load(
      withBlock(VPC, 'exclude {\n  if      = false\n  actions = ["all"]\n}\n'),
    );
    expect(graph.units[VPC]?.exclude?.if).toBe(false);
    expect(excludedUnits(graph, 'apply', [VPC]).size).toBe(0);
    expect(excludedUnits(graph, 'plan', [VPC]).size).toBe(0);
  });

  it('"if" and "actions" may use locals (of the unit, and read_terragrunt_config ones)', async () => {
    const { graph } = await load(
      withBlock(
        VPC,
        `locals {
  env     = read_terragrunt_config(find_in_parent_folders("environment.hcl"))
  by_hand = local.env.locals.environment == "prod"
  skip    = ["apply"]
}

exclude {
  if      = local.by_hand
  actions = local.skip
}
`,
      ),
    );
    expect(graph.units[VPC]?.exclude).toMatchObject({ if: true, actions: ['apply'] });
    expect([...excludedUnits(graph, 'apply', [VPC])]).toEqual([[VPC, VPC]]);
  });

  it('a block in an included file applies to every unit including it; a unit overrides its "if"', async () => {
    const eks = infraTree()[`${E}/_common/eks.hcl`];
    const { graph } = await load({
      [`${E}/_common/eks.hcl`]: `${eks}\nexclude {\n  if                   = true\n  actions              = ["apply"]\n  exclude_dependencies = true\n}\n`,
      ...withBlock(`${P}/eu-west-2/eks`, 'exclude {\n  if = false\n}\n'),
    });
    expect(graph.units[EKS]?.exclude).toEqual({
      if: true,
      actions: ['apply'],
      excludeDependencies: true,
      noRun: false,
    });
    expect(graph.units[`${P}/eu-west-2/eks`]?.exclude).toMatchObject({
      if: false,
      actions: ['apply'],
    });
    const all = Object.keys(graph.units);
    // eu-central-1/eks and, through exclude_dependencies, its vpc; eu-west-2 is not excluded.
    expect([...excludedUnits(graph, 'apply', all)].sort()).toEqual([
      [EKS, EKS],
      [VPC, EKS],
    ]);
  });

  it('malformed blocks: a clear error naming the file and line', async () => {
    const file = `${VPC}/terragrunt.hcl`;
    const check = async (block: string, needle: string, message: string) => {
      const extra = withBlock(VPC, block);
      const msg = await loadError(extra);
      expect(msg).toBe(`${file}:${lineOf(extra[file] as string, needle)}: ${message}`);
    };
    await check(
      'exclude {\n  if      = dependency.vpc.outputs.skip\n  actions = ["apply"]\n}\n',
      'if      =',
      'exclude.if is not known statically (it may use literals, locals and the functions infra-ci evaluates, not dependency outputs, get_env without a default or feature flags)',
    );
    await check(
      'exclude {\n  if      = "yes"\n  actions = ["apply"]\n}\n',
      'if      =',
      'exclude.if must be a bool (got "yes")',
    );
    await check(
      'exclude {\n  if      = true\n  actions = "apply"\n}\n',
      'actions =',
      'exclude.actions must be a list of strings such as ["apply", "destroy"] (got "apply")',
    );
    await check(
      'exclude {\n  if      = local.nope\n  actions = ["apply"]\n}\n',
      'if      =',
      'exclude.if: unsupported attribute "nope"',
    );
    await check(
      'exclude {\n  if     = true\n  action = ["apply"]\n}\n',
      'action =',
      'exclude: unsupported attribute "action" (expected if, actions, exclude_dependencies, no_run)',
    );
    await check(
      'exclude {\n  if = true\n}\n',
      'exclude {',
      'exclude: the "actions" attribute is required (e.g. ["apply", "destroy"], ["all"])',
    );
    await check(
      'exclude {\n  if      = true\n  actions = ["apply"]\n}\n\nexclude { # second\n  if      = false\n  actions = ["plan"]\n}\n',
      '# second',
      'only one exclude block is allowed in a file',
    );
  });
});
