import { describe, expect, it } from 'vitest';
import { driftIgnoreOf, isIgnored } from '../src/drift/config.js';
import { HclParser } from '../src/hcl/parse.js';
import { memoryTree } from '../src/terragrunt/tree.js';
import { validateTree } from '../src/validate/run.js';

const FILE = 'infra/environments/prod/global/ga/terragrunt.hcl';
const parser = new HclParser();

async function ignoreOf(source: string) {
  return driftIgnoreOf(FILE, await parser.parse(FILE, source), source);
}
const unit = (drift: string) =>
  `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\nlocals {\n  name = "ga"\n  infra_ci_drift = ${drift}\n}\n`;

describe('local.infra_ci_drift (known drift, validated like exclude blocks)', () => {
  it('reads ignore and reason with the line of the local', async () => {
    const d = await ignoreOf(
      unit(
        '{\n    ignore = ["aws_globalaccelerator_endpoint_group.this[\\"eu-west-2\\"]", "module.dials.*"]\n    reason = "the failover controller pins the dials"\n  }',
      ),
    );
    expect(d).toEqual({
      ignore: ['aws_globalaccelerator_endpoint_group.this["eu-west-2"]', 'module.dials.*'],
      skip: false,
      reason: 'the failover controller pins the dials',
      file: FILE,
      line: 7,
    });
  });

  it('skip = true: the unit is not planned at all; a reason is still required, ignore is not allowed', async () => {
    expect(
      await ignoreOf(unit('{\n    skip   = true\n    reason = "plans without refresh here"\n  }')),
    ).toEqual({
      ignore: [],
      skip: true,
      reason: 'plans without refresh here',
      file: FILE,
      line: 7,
    });
    expect(await ignoreOf(unit('{ skip = false, ignore = ["a"], reason = "x" }'))).toMatchObject({
      skip: false,
    });
  });

  it('a unit without the local has none', async () => {
    expect(await ignoreOf('locals {\n  a = 1\n}\n')).toBeUndefined();
  });

  it.each([
    ['"just a string"', 'must be an object literal'],
    ['local.other', 'must be an object literal'],
    ['{ ignore = ["a.b"] }', '.reason must be a non-empty literal string'],
    ['{ ignore = ["a.b"], reason = "" }', '.reason must be a non-empty literal string'],
    ['{ ignore = ["a.b"], reason = local.name }', '.reason must be a non-empty literal string'],
    ['{ reason = "x" }', '.ignore must be a non-empty list'],
    ['{ ignore = [], reason = "x" }', '.ignore must be a non-empty list'],
    ['{ ignore = "a.b", reason = "x" }', '.ignore must be a non-empty list'],
    [
      `{ ignore = ["a.\${local.name}"], reason = "x" }`,
      '.ignore entries must be non-empty literal strings',
    ],
    ['{ ignore = [1], reason = "x" }', '.ignore entries must be non-empty literal strings'],
    ['{ ignore = ["a"], reason = "x", until = "2027-01-01" }', 'unsupported attribute "until"'],
    ['{ skip = true }', '.reason must be a non-empty literal string'],
    ['{ skip = "yes", reason = "x" }', '.skip must be true or false'],
    ['{ skip = true, ignore = ["a"], reason = "x" }', '.ignore has no meaning with skip = true'],
    ['{ skip = false, reason = "x" }', '.ignore must be a non-empty list'],
  ])('%s is an input error at file:line', async (drift, message) => {
    const err = await ignoreOf(unit(drift)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'input' });
    expect((err as Error).message).toContain(`${FILE}:7: local.infra_ci_drift`);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).not.toContain('infra_ci_drift .');
  });

  it('patterns: exact addresses, * as any run of characters, nothing else special', () => {
    expect(isIgnored(['aws_x.y'], 'aws_x.y')).toBe(true);
    expect(isIgnored(['aws_x.y'], 'aws_x.yz')).toBe(false);
    expect(isIgnored(['module.a.*'], 'module.a.aws_b.c["k"]')).toBe(true);
    expect(isIgnored(['module.a.*'], 'module.ab.aws_b.c')).toBe(false);
    expect(isIgnored(['aws_x.y["a"]'], 'aws_x.y["a"]')).toBe(true);
    expect(isIgnored(['aws_x.y[*]'], 'aws_x.y[0]')).toBe(true);
    expect(isIgnored(['aws_x.y'], 'aws_xxy')).toBe(false);
    expect(isIgnored(['*'], 'output.anything')).toBe(true);
    expect(isIgnored([], 'aws_x.y')).toBe(false);
  });
});

describe('infra-ci validate reports infra_ci_drift like exclude blocks', () => {
  const noFmt = { fmtCheck: async () => ({ unformatted: [] }) };
  const tree = (unitLocals: string, commonLocals = '') =>
    memoryTree('/repo', {
      'infra/root.hcl': `locals {\n  a = 1\n}\n${commonLocals}`,
      'infra/u/terragrunt.hcl': `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n${unitLocals}`,
    });

  it('a well-formed local in a unit: no finding', async () => {
    const ok = 'locals {\n  infra_ci_drift = { ignore = ["*"], reason = "managed by hand" }\n}\n';
    expect(await validateTree(tree(ok), 'infra', noFmt)).toEqual([]);
  });

  it('malformed in a unit, or set in an included file: file:line findings', async () => {
    const bad = 'locals {\n  infra_ci_drift = { ignore = ["*"] }\n}\n';
    const inRoot = 'locals {\n  infra_ci_drift = { ignore = ["*"], reason = "x" }\n}\n';
    const findings = await validateTree(tree(bad, inRoot), 'infra', noFmt);
    expect(findings).toEqual([
      {
        file: 'infra/root.hcl',
        line: 5,
        message: expect.stringContaining("only read from a unit's own terragrunt.hcl"),
      },
      {
        file: 'infra/u/terragrunt.hcl',
        line: 5,
        message: expect.stringContaining('local.infra_ci_drift.reason must be'),
      },
    ]);
  });
});
