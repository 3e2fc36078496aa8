// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HCL `${...}` templates are the test data.
/**
 * The rule (issue #12): when infra-ci cannot decide exactly what a unit reads, the unit is
 * changed with a reason naming file:line, or the run exits 2 naming file:line — never a silent
 * "nothing changed". Each kind of unknown has a case: every diff below touches only a file no
 * unit reads, so without the rule the answer would be `changed: []`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { detectChanges, loadUnitGraph } from '../src/index.js';
import { CLI_MAIN } from './helpers/cli.js';
import { TempRepo } from './helpers/repo.js';

const L = 'live';
let repo: TempRepo;

const ROOT = `locals {
  region = read_terragrunt_config(find_in_parent_folders("region.hcl")).locals.region
}
`;
const unit = (body = '') => `include "root" {
  path = find_in_parent_folders("root.hcl")
}
${body}`;

beforeEach(() => {
  repo = new TempRepo().write({
    [`${L}/root.hcl`]: ROOT,
    [`${L}/eu/region.hcl`]: 'locals {\n  region = "eu-west-1"\n}\n',
    [`${L}/eu/plain/terragrunt.hcl`]: unit(),
    'docs/notes.md': 'notes\n',
  });
});
afterEach(() => repo.cleanup());

/** Commit `files` as the base, touch an unrelated file at head, and detect. */
async function detectWith(files: Record<string, string>) {
  repo.write(files);
  const base = repo.commit('base');
  repo.write({ 'docs/notes.md': 'more notes\n' });
  repo.commit('unrelated');
  return detectChanges({ repoRoot: repo.dir, base, head: 'HEAD', root: L });
}

const U = `${L}/eu/app`;
const F = `${U}/terragrunt.hcl`;

describe('the rule: a unit whose reads are not known is changed, with the reason', () => {
  it('control: the same tree with known reads is not changed', async () => {
    const r = await detectWith({ [F]: unit('inputs = {\n  a = upper("x")\n}\n') });
    expect(r.changed).toEqual([]);
    expect(r.reasons).toEqual({});
  });

  it('an unsupported function (any name infra-ci does not know may read files)', async () => {
    const r = await detectWith({ [F]: unit('locals {\n  x = brand_new_fn("a")\n}\n') });
    expect(r.changed).toEqual([U]);
    expect(r.reasons[U]).toBe(
      `reads not known: ${F}:5: function brand_new_fn() is not supported by infra-ci`,
    );
    expect(r.changed).not.toContain(`${L}/eu/plain`);
  });

  it('an unknown path: file() of a run-time value', async () => {
    const r = await detectWith({
      [F]: unit('inputs = {\n  policy = file(get_env("POLICY_FILE"))\n}\n'),
    });
    expect(r.reasons[U]).toBe(`reads not known: ${F}:4: file(): its path is not known statically`);
  });

  it('an unknown path in both branches of a run-time conditional is still read', async () => {
    repo.write({ [`${U}/../a.json`]: '{}', [`${L}/b.json`]: '{}' });
    const r = await detectWith({
      [F]: unit(
        'inputs = {\n  x = get_env("MODE", "") == "a" ? file("../a.json") : file("../../b.json")\n}\n',
      ),
    });
    // get_env with a default is that default: the test is known, only one file is read.
    expect(r.changed).toEqual([]);
    repo.write({ [`${L}/b.json`]: '{"x": 1}' });
    repo.commit('b');
    const base = repo.git('rev-parse', 'HEAD~1').trim();
    const r2 = await detectChanges({ repoRoot: repo.dir, base, head: 'HEAD', root: L });
    expect(r2.reasons[U]).toBe(`reads ${L}/b.json (modified)`);
  });

  it('a run-time test (dependency output) evaluates both branches for their reads', async () => {
    repo.write({ [`${L}/eu/a.json`]: '{}', [`${L}/eu/b.json`]: '{}' });
    const base = repo.commit('files');
    repo.write({
      [F]: unit(
        'dependency "net" {\n  config_path = "../plain"\n}\ninputs = {\n  x = dependency.net.outputs.big ? file("../a.json") : file("../b.json")\n}\n',
      ),
    });
    const mid = repo.commit('unit');
    repo.write({ [`${L}/eu/b.json`]: '{"b": 2}' });
    repo.commit('b');
    const r = await detectChanges({ repoRoot: repo.dir, base: mid, head: 'HEAD', root: L });
    expect(r.reasons[U]).toBe(`reads ${L}/eu/b.json (modified)`);
    expect(base).toBeTruthy();
  });

  it('an unmodelled construct: a template directive calling a function', async () => {
    const r = await detectWith({
      [F]: unit('inputs = {\n  x = "%{ if true }${file("x.txt")}%{ endif }"\n}\n'),
    });
    expect(r.reasons[U]).toMatch(
      new RegExp(`^reads not known: ${F}:4: template directive .*file.* is not evaluated$`),
    );
  });

  it('run_cmd: the command may read any file', async () => {
    const r = await detectWith({
      [F]: unit('locals {\n  sha = run_cmd("git", "rev-parse", "HEAD")\n}\n'),
    });
    expect(r.reasons[U]).toBe(`reads not known: ${F}:5: run_cmd(): the command may read any file`);
  });

  it('a terraform.source that is not static (it may name a local module)', async () => {
    const r = await detectWith({
      [F]: unit('terraform {\n  source = "${get_env("MODULES")}//vpc"\n}\n'),
    });
    expect(r.reasons[U]).toBe(`reads not known: ${F}:5: terraform.source is not known statically`);
  });

  it('a var file relative to the working folder (..) that infra-ci does not model', async () => {
    const r = await detectWith({
      [F]: unit(
        'terraform {\n  extra_arguments "vars" {\n    commands           = ["plan"]\n    required_var_files = ["../common.tfvars"]\n  }\n}\n',
      ),
    });
    expect(r.reasons[U]).toMatch(
      new RegExp(`^reads not known: ${F}:5: extra_arguments "vars": var file "../common.tfvars"`),
    );
  });

  it('a block infra-ci cannot evaluate for its reads (generate with a missing local)', async () => {
    const r = await detectWith({
      [F]: unit('generate "x" {\n  path     = "x.tf"\n  contents = file(local.nope)\n}\n'),
    });
    expect(r.reasons[U]).toMatch(
      new RegExp(`^reads not known: ${F}:4: cannot evaluate generate: .*nope`),
    );
  });

  it('a terragrunt.stack.hcl: its generated units are not modelled', async () => {
    const r = await detectWith({
      [`${L}/eu/stack/terragrunt.stack.hcl`]:
        'unit "vpc" {\n  source = "../../../units/vpc"\n  path   = "vpc"\n}\n',
    });
    expect(r.changed).toEqual([`${L}/eu/stack`]);
    expect(r.reasons[`${L}/eu/stack`]).toBe(
      `reads not known: ${L}/eu/stack/terragrunt.stack.hcl:1: terragrunt.stack.hcl generates units at run time, which infra-ci does not model`,
    );
  });

  it('a unit that does not evaluate at the base: its base reads are unknown', async () => {
    repo.write({ [F]: unit('locals {\n  x = local.missing\n}\n') });
    const base = repo.commit('broken');
    repo.write({ [F]: unit(), 'docs/notes.md': 'x\n' });
    repo.commit('fixed');
    const r = await detectChanges({ repoRoot: repo.dir, base, head: 'HEAD', root: L });
    expect(r.reasons[U]).toBe(`changes ${F} (modified)`);
    // The fix itself is an owned change; a unit broken at the base through an include only:
    repo.write({ [`${L}/eu/region.hcl`]: 'locals {\n  region = nope()\n}\n' });
    const b2 = repo.commit('break region');
    repo.write({ [`${L}/eu/region.hcl`]: 'locals {\n  region = "eu-west-1"\n}\n' });
    repo.commit('fix region');
    const r2 = await detectChanges({ repoRoot: repo.dir, base: b2, head: 'HEAD', root: L });
    expect(r2.reasons[U]).toBe(`reads ${L}/eu/region.hcl (modified)`);
  });

  it('an unknown path in dependencies.paths, mark_glob_as_read or read_terragrunt_config', async () => {
    const r = await detectWith({
      [F]: unit(
        'dependencies {\n  paths = [get_env("DEP")]\n}\nlocals {\n  g = mark_glob_as_read(get_env("GLOB"))\n  c = read_terragrunt_config(get_env("CFG"))\n}\n',
      ),
    });
    expect(r.changed).toEqual([U]);
    const g = await loadUnitGraph({ repoRoot: repo.dir, root: L });
    expect(g.units[U]?.unknown).toEqual([
      `${F}:4: a dependencies.paths entry is not static`,
      `${F}:8: mark_glob_as_read(): its path is not known statically`,
      `${F}:9: read_terragrunt_config(): its path is not known statically`,
    ]);
  });

  it('or exit 2 naming file:line: an include path that is not static', async () => {
    const err = await detectWith({
      [F]: 'include "root" {\n  path = get_env("ROOT_HCL")\n}\n',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toBe(`${F}:1: include "root": path is not known statically`);
  });

  it('--format github: `reasons` in $GITHUB_OUTPUT, one log line per unit, a ::warning when not known', async () => {
    await detectWith({ [F]: unit('locals {\n  x = brand_new_fn("a")\n}\n') });
    repo.write({ [`${L}/eu/plain/terragrunt.hcl`]: `${unit()}# edited\n` });
    repo.commit('plain');
    const out = path.join(repo.dir, 'gh-out');
    const r = spawnSync(
      process.execPath,
      [CLI_MAIN, 'changes', '--base', 'HEAD~2', '--root', L, '--format', 'github'],
      { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: out } },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `::warning title=infra-ci: changed because its reads are not known::${U}: reads not known: ${F}:5: function brand_new_fn() is not supported by infra-ci\n${L}/eu/plain: changes ${L}/eu/plain/terragrunt.hcl (modified)\n`,
    );
    expect(readFileSync(out, 'utf8')).toContain(
      `reasons={"${U}":"reads not known: ${F}:5: function brand_new_fn() is not supported by infra-ci","${L}/eu/plain":"changes ${L}/eu/plain/terragrunt.hcl (modified)"}\n`,
    );
  });

  it('text and JSON output: one reason line per changed unit, `reasons` in JSON', async () => {
    await detectWith({ [F]: unit('locals {\n  x = brand_new_fn("a")\n}\n') });
    const run = (format: string) =>
      spawnSync(
        process.execPath,
        [CLI_MAIN, 'changes', '--base', 'HEAD~1', '--root', L, '--format', format],
        { cwd: repo.dir, encoding: 'utf8' },
      );
    const json = run('json');
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).reasons).toEqual({
      [U]: `reads not known: ${F}:5: function brand_new_fn() is not supported by infra-ci`,
    });
    const text = run('text').stdout;
    expect(text).toContain(
      `why (one line per changed unit) (1):\n  ${U}: reads not known: ${F}:5: function brand_new_fn() is not supported by infra-ci\n`,
    );
  });
});
