// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HCL `${...}` templates are the test data.
/**
 * What real Terragrunt live repositories use (issue #12), each on a realistic tree in a real git
 * repository: the layout of gruntwork's terragrunt-infrastructure-live-example (root.hcl,
 * account/region/env .hcl files, _envcommon, local modules). Each semantic is settled from
 * Terragrunt's source (gruntwork-io/terragrunt v1.1.3), cited per case.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { detectChanges, loadUnitGraph } from '../src/index.js';
import { GRUNTWORK_ROOT, TempRepo } from './helpers/repo.js';

const L = 'live';
const PROD = `${L}/prod/us-east-1`;
let repo: TempRepo;

const ENVCOMMON_MYSQL = `locals {
  env_vars = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  env      = local.env_vars.locals.environment
  base_source_url = "\${get_repo_root()}/modules//mysql"
}

terraform {
  source = local.base_source_url
}

dependency "vpc" {
  config_path = "../vpc"
}

inputs = {
  name = "mysql_\${local.env}"
}
`;

const unit = (common?: string, extra = '') => `include "root" {
  path = find_in_parent_folders("root.hcl")
}
${
  common === undefined
    ? ''
    : `
include "envcommon" {
  path   = "\${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/${common}.hcl"
  expose = true
}
`
}${extra}`;

function liveTree(): Record<string, string> {
  const files: Record<string, string> = {
    [`${L}/root.hcl`]: GRUNTWORK_ROOT,
    [`${L}/_envcommon/mysql.hcl`]: ENVCOMMON_MYSQL,
    [`${L}/_envcommon/vpc.hcl`]: 'terraform {\n  source = "${get_repo_root()}/modules//vpc"\n}\n',
    'modules/vpc/main.tf': 'variable "name" {}\n',
    'modules/mysql/main.tf': 'variable "name" {}\n',
  };
  for (const env of ['prod', 'stage']) {
    files[`${L}/${env}/account.hcl`] = `locals {\n  account_name = "${env}"\n}\n`;
    files[`${L}/${env}/us-east-1/region.hcl`] = 'locals {\n  aws_region = "us-east-1"\n}\n';
    files[`${L}/${env}/us-east-1/env.hcl`] = `locals {\n  environment = "${env}"\n}\n`;
    files[`${L}/${env}/us-east-1/vpc/terragrunt.hcl`] = unit('vpc');
    files[`${L}/${env}/us-east-1/mysql/terragrunt.hcl`] = unit('mysql');
  }
  return files;
}

let base: string;
beforeEach(() => {
  repo = new TempRepo().write(liveTree());
  base = repo.commit('base');
});
afterEach(() => repo.cleanup());

const changes = (root = L) => detectChanges({ repoRoot: repo.dir, base, head: 'HEAD', root });
/** Make `files` the base, then apply `head` (files to write; null deletes) as the head commit. */
async function diff(files: Record<string, string>, head: Record<string, string | null>, root = L) {
  repo.write(files);
  base = commit('base');
  for (const [f, c] of Object.entries(head)) {
    if (c === null) repo.remove(f);
    else repo.write({ [f]: c });
  }
  commit('head');
  return changes(root);
}

/** A commit even when nothing changed (a test's base may add no file). */
function commit(msg: string): string {
  repo.git('add', '-A');
  repo.git('commit', '-q', '--allow-empty', '-m', msg);
  return repo.git('rev-parse', 'HEAD').trim();
}

describe('var files of extra_arguments (pkg/config/config.go TerraformExtraArguments.GetVarFiles)', () => {
  const VARS = `terraform {
  extra_arguments "common_vars" {
    commands           = get_terraform_commands_that_need_vars()
    required_var_files = ["\${get_parent_terragrunt_dir()}/common.tfvars"]
    optional_var_files = [
      "\${get_terragrunt_dir()}/\${basename(get_terragrunt_dir())}.tfvars",
      "\${dirname(find_in_parent_folders("env.hcl"))}/env.tfvars",
    ]
  }
}
`;
  const withVars = {
    [`${L}/root.hcl`]: `${GRUNTWORK_ROOT}\n${VARS}`,
    [`${L}/common.tfvars`]: 'a = 1\n',
  };

  it('a required var file changed: every unit including the file that names it', async () => {
    const r = await diff(withVars, { [`${L}/common.tfvars`]: 'a = 2\n' });
    expect(r.changed).toHaveLength(4);
    expect(r.reasons[`${PROD}/vpc`]).toBe(`reads ${L}/common.tfvars (modified)`);
  });

  it('an optional var file added, then removed: the units that look for it', async () => {
    const added = await diff(withVars, { [`${PROD}/env.tfvars`]: 'b = 1\n' });
    expect(added.changed).toEqual([`${PROD}/mysql`, `${PROD}/vpc`]);
    expect(added.reasons[`${PROD}/mysql`]).toBe(`reads ${PROD}/env.tfvars (added)`);
    const removed = await diff({}, { [`${PROD}/env.tfvars`]: null });
    expect(removed.changed).toEqual([`${PROD}/mysql`, `${PROD}/vpc`]);
    expect(removed.reasons[`${PROD}/vpc`]).toBe(`looks for ${PROD}/env.tfvars (deleted)`);
  });

  it('an unrelated tfvars file changes nothing', async () => {
    const r = await diff(withVars, { [`${L}/other.tfvars`]: 'x = 1\n' });
    expect(r.changed).toEqual([]);
  });
});

describe('reads evaluated at the base and at head', () => {
  it('a nearer region.hcl deleted: the unit now reads the farther one, and is changed', async () => {
    const nearer = `${PROD}/net/region.hcl`;
    const files = {
      [nearer]: 'locals {\n  aws_region = "us-west-2"\n}\n',
      [`${PROD}/net/vpc/terragrunt.hcl`]: unit('vpc'),
    };
    const r = await diff(files, { [nearer]: null });
    expect(r.changed).toEqual([`${PROD}/net/vpc`]);
    expect(r.reasons[`${PROD}/net/vpc`]).toBe(`looks for ${nearer} (deleted)`);
    // A farther region.hcl that no unit reaches (a nearer one exists) changes nothing.
    const r2 = await diff({}, { [`${L}/prod/region.hcl`]: 'locals {\n  aws_region = "x"\n}\n' });
    expect(r2.changed).toEqual([]);
  });

  it('a nearer env.hcl above the units deleted: read only at the base', async () => {
    const nearer = `${PROD}/sub/env.hcl`;
    const files = {
      [nearer]: 'locals {\n  environment = "sub"\n}\n',
      [`${PROD}/sub/app/terragrunt.hcl`]: unit('mysql'),
      [`${PROD}/sub/vpc/terragrunt.hcl`]: unit('vpc'),
    };
    const r = await diff(files, { [nearer]: null });
    expect(r.changed).toEqual([`${PROD}/sub/app`, `${PROD}/sub/vpc`]);
    expect(r.reasons[`${PROD}/sub/app`]).toBe(`looks for ${nearer} (deleted)`);
  });

  it('try(read_terragrunt_config(...), {}) and fileexists(): a file added at head', async () => {
    const OPT = `locals {
  overrides = try(read_terragrunt_config("\${get_terragrunt_dir()}/../overrides.hcl"), { locals = {} })
  has_tags  = fileexists("\${get_terragrunt_dir()}/../tags.json")
  tags      = local.has_tags ? jsondecode(file("\${get_terragrunt_dir()}/../tags.json")) : {}
}
`;
    const files = { [`${PROD}/vpc/terragrunt.hcl`]: unit('vpc', OPT) };
    const r = await diff(files, { [`${PROD}/overrides.hcl`]: 'locals {\n  size = 2\n}\n' });
    expect(r.changed).toEqual([`${PROD}/vpc`]);
    expect(r.reasons[`${PROD}/vpc`]).toBe(`reads ${PROD}/overrides.hcl (added)`);
    const r2 = await diff({}, { [`${PROD}/tags.json`]: '{"team": "db"}' });
    expect(r2.reasons).toEqual({ [`${PROD}/vpc`]: `reads ${PROD}/tags.json (added)` });
    const r3 = await diff({}, { [`${PROD}/tags.json`]: '{"team": "web"}' });
    expect(r3.reasons).toEqual({ [`${PROD}/vpc`]: `reads ${PROD}/tags.json (modified)` });
    const r4 = await diff({}, { [`${PROD}/tags.json`]: null });
    expect(r4.reasons).toEqual({ [`${PROD}/vpc`]: `looks for ${PROD}/tags.json (deleted)` });
  });
});

describe('Terragrunt path functions (pkg/config/config_helpers.go)', () => {
  it('get_path_to_repo_root, get_path_from_repo_root, get_terragrunt_source_cli_flag, get_parent_terragrunt_dir', async () => {
    const u = `${PROD}/app`;
    repo.write({
      [`${u}/terragrunt.hcl`]: unit(
        undefined,
        `locals {
  a = mark_as_read("\${get_path_to_repo_root()}/shared/a.txt")
  b = mark_as_read("/\${get_path_from_repo_root()}/b.txt" == "/${u}/b.txt" ? "\${get_repo_root()}/shared/b.txt" : "wrong")
  c = get_terragrunt_source_cli_flag() == "" ? mark_as_read("\${get_parent_terragrunt_dir()}/c.txt") : "x"
  d = mark_as_read("\${get_original_terragrunt_dir()}/d.txt")
}
`,
      ),
    });
    repo.commit('unit');
    const g = await loadUnitGraph({ repoRoot: repo.dir, root: L });
    expect(g.units[u]?.reads).toEqual(
      expect.arrayContaining(['shared/a.txt', 'shared/b.txt', `${L}/c.txt`, `${u}/d.txt`]),
    );
    expect(g.units[u]?.unknown).toBeUndefined();
  });

  it('get_original_terragrunt_dir inside a read_terragrunt_config file is the unit (per unit)', async () => {
    repo.write({
      [`${L}/_envcommon/owner.hcl`]:
        'locals {\n  owner = mark_as_read("${get_original_terragrunt_dir()}/OWNERS")\n}\n',
    });
    const extra = 'locals {\n  o = read_terragrunt_config("../../../_envcommon/owner.hcl")\n}\n';
    for (const e of ['prod', 'stage']) {
      repo.write({ [`${L}/${e}/us-east-1/vpc/terragrunt.hcl`]: unit('vpc', extra) });
    }
    repo.commit('owners');
    const g = await loadUnitGraph({ repoRoot: repo.dir, root: L });
    expect(g.units[`${PROD}/vpc`]?.reads).toContain(`${PROD}/vpc/OWNERS`);
    expect(g.units[`${L}/stage/us-east-1/vpc`]?.reads).toContain(`${L}/stage/us-east-1/vpc/OWNERS`);
    expect(g.units[`${PROD}/vpc`]?.reads).not.toContain(`${L}/stage/us-east-1/vpc/OWNERS`);
  });
});

describe('Terraform functions in locals and paths', () => {
  it('split/element/lower/format/yamldecode/lookup/merge/concat/regex… compute the path read', async () => {
    const LOCALS = `locals {
  parts    = split("/", path_relative_to_include("root"))
  env      = element(local.parts, 0)
  region   = trimspace(" \${local.parts[1]} ")
  cfg_file = format("%s/config/%s.yaml", get_repo_root(), lower(upper(local.env)))
  cfg      = yamldecode(file(local.cfg_file))
  size     = lookup(merge(local.cfg.sizes, { extra = 1 }), "db", 0)
  zones    = concat(local.cfg.zones, ["z"])
  n        = length(local.zones) + length(keys(local.cfg.sizes))
  short    = regex("^([a-z]+)-", local.region)[0]
  name     = replace(join("-", [local.env, local.short]), "/[aeiou]/", "")
  json     = jsondecode(file("\${get_repo_root()}/config/\${coalesce("", local.env)}.json"))
  pick     = try(local.json.missing, can(local.json.ok) ? local.json.ok : "none")
  base     = basename(dirname(abspath(".")))
  names    = [for z in local.zones : upper(z) if z != "z"]
  by_name  = { for k, v in local.cfg.sizes : k => v * 2 }
}
inputs = {
  name = "\${local.name}-\${local.n}-\${local.size}-\${local.pick}-\${local.base}"
}
`;
    const files: Record<string, string> = {
      'config/prod.yaml': 'sizes:\n  db: 3\nzones: [a, b]\n',
      'config/stage.yaml': 'sizes:\n  db: 1\nzones: [a]\n',
      'config/prod.json': '{"ok": "yes"}',
      'config/stage.json': '{"ok": "no"}',
    };
    for (const e of ['prod', 'stage']) {
      files[`${L}/${e}/us-east-1/app/terragrunt.hcl`] = unit(undefined, LOCALS);
    }
    const r = await diff(files, { 'config/prod.yaml': 'sizes:\n  db: 4\nzones: [a]\n' });
    expect(r.changed).toEqual([`${PROD}/app`]);
    expect(r.reasons[`${PROD}/app`]).toBe('reads config/prod.yaml (modified)');
    const g = await loadUnitGraph({ repoRoot: repo.dir, root: L });
    expect(g.units[`${PROD}/app`]?.unknown).toBeUndefined();
    expect(g.units[`${PROD}/app`]?.reads).toEqual(
      expect.arrayContaining(['config/prod.yaml', 'config/prod.json']),
    );
  });
});

describe('find_in_parent_folders matches a folder as well as a file', () => {
  // pkg/config/config_helpers.go parentFileExists → util.FileExists (an os.Stat: folders too).
  it('find_in_parent_folders("_envcommon") finds the folder', async () => {
    const r = await diff(
      {
        [`${PROD}/vpc/terragrunt.hcl`]: `include "root" {
  path = find_in_parent_folders("root.hcl")
}
include "envcommon" {
  path = "\${find_in_parent_folders("_envcommon")}/vpc.hcl"
}
`,
      },
      {
        [`${L}/_envcommon/vpc.hcl`]:
          'terraform {\n  source = "${get_repo_root()}/modules//vpc"\n}\n# x\n',
      },
    );
    expect(r.changed).toEqual([`${PROD}/vpc`, `${L}/stage/us-east-1/vpc`]);
  });
});

// internal/discovery/helpers.go: DefaultConfigFilenames holds terragrunt.hcl and terragrunt.stack.hcl;
// a stack's units are generated at run time (pkg/config/stack.go), which infra-ci does not model.
describe('terragrunt.stack.hcl is not ignored', () => {
  it('a stack folder is listed (kind stack) and changed with its reason', async () => {
    repo.write({
      [`${PROD}/platform/terragrunt.stack.hcl`]:
        'unit "vpc" {\n  source = "${get_repo_root()}/units/vpc"\n  path   = "vpc"\n}\n',
    });
    repo.commit('stack');
    const g = await loadUnitGraph({ repoRoot: repo.dir, root: L });
    expect(g.units[`${PROD}/platform`]?.kind).toBe('stack');
  });
});

describe('a --root folder deleted or renamed at head', () => {
  it('its units are destroyed (planned from the base), not an error', async () => {
    repo.remove(`${L}/stage`);
    repo.commit('delete stage');
    const r = await changes(`${L}/stage`);
    expect(r.destroyed).toEqual([`${L}/stage/us-east-1/mysql`, `${L}/stage/us-east-1/vpc`]);
    expect(r.destroyWaves).toEqual([[`${L}/stage/us-east-1/mysql`], [`${L}/stage/us-east-1/vpc`]]);
    expect(r.changed).toEqual([]);
  });

  it('renamed: the old root is destroyed', async () => {
    repo.move(`${L}/stage`, `${L}/staging`);
    repo.commit('rename');
    const r = await changes(`${L}/stage`);
    expect(r.destroyed).toHaveLength(2);
  });

  it('missing at both refs: an input error naming it', async () => {
    const err = await changes(`${L}/nope`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(/root folder "live\/nope" does not exist/);
  });
});

// Terragrunt v1.1.3 discovery lists every terragrunt.hcl as a unit (internal/discovery/helpers.go
// createComponentFromPath) and guards find_in_parent_folders() without a name, the legacy way to
// include a root terragrunt.hcl, behind the RootTerragruntHCL strict control
// (pkg/config/config_helpers.go findInParentFoldersImpl): the layout is deprecated. infra-ci treats
// an included terragrunt.hcl as what it is, a root configuration (the cross-check notes it).
describe('a root configuration named terragrunt.hcl', () => {
  const LEGACY_UNIT = 'include {\n  path = find_in_parent_folders()\n}\n';
  it('is not a unit (its units include it); a change to it changes them all', async () => {
    const files = {
      'terragrunt.hcl':
        'remote_state {\n  backend = "s3"\n  config = {\n    key = "${path_relative_to_include()}"\n  }\n}\n',
      'svc/a/terragrunt.hcl': LEGACY_UNIT,
      'svc/b/terragrunt.hcl': LEGACY_UNIT,
    };
    const r = await diff(files, { 'terragrunt.hcl': `${files['terragrunt.hcl']}# x\n` }, '.');
    expect(r.changed).toEqual(['svc/a', 'svc/b']);
    const g = await loadUnitGraph({ repoRoot: repo.dir, root: '.' });
    expect(Object.keys(g.units)).not.toContain('');
    expect(g.rootConfigs).toEqual(['']);
  });

  it('one that no unit includes, at the repository root, is an input error (never an empty id)', async () => {
    repo.write({ 'terragrunt.hcl': 'inputs = {}\n' });
    repo.commit('root unit');
    const err = await loadUnitGraph({ repoRoot: repo.dir, root: '.' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(/^terragrunt\.hcl:1: .*empty id/);
  });
});

describe('include merge_strategy (pkg/config/include.go handleIncludeForDependency, Merge, DeepMerge)', () => {
  const CHILD_DEP = '\ndependency "vpc" {\n  mock_outputs = { id = "x" }\n}\n';
  const withStrategy = (s: string, extra = '') => `include "root" {
  path = find_in_parent_folders("root.hcl")
}
include "envcommon" {
  path           = "\${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/mysql.hcl"
  merge_strategy = "${s}"
}
${extra}`;
  const graphWith = async (s: string, extra = '') => {
    repo.write({ [`${PROD}/mysql/terragrunt.hcl`]: withStrategy(s, extra) });
    repo.commit(s);
    return loadUnitGraph({ repoRoot: repo.dir, root: L });
  };

  it('no_merge: the included dependency and terraform.source are not merged', async () => {
    const g = await graphWith('no_merge');
    expect(g.units[`${PROD}/mysql`]?.dependencies).toEqual([]);
    expect(g.units[`${PROD}/mysql`]?.moduleDirs).toEqual([]);
    expect(g.units[`${L}/stage/us-east-1/mysql`]?.dependencies).toEqual([
      `${L}/stage/us-east-1/vpc`,
    ]);
  });

  it('deep: a child dependency block without config_path keeps the included one', async () => {
    const g = await graphWith('deep', CHILD_DEP);
    expect(g.units[`${PROD}/mysql`]?.dependencies).toEqual([`${PROD}/vpc`]);
    expect(g.units[`${PROD}/mysql`]?.moduleDirs).toEqual(['modules/mysql']);
  });

  it('shallow: the child block replaces the included one whole (config_path then missing)', async () => {
    const err = await graphWith('shallow', CHILD_DEP).catch((e: unknown) => e);
    expect((err as CliError).message).toBe(
      `${PROD}/mysql/terragrunt.hcl:9: dependency "vpc": config_path is required`,
    );
  });

  it('an unknown strategy is an input error at the include', async () => {
    const err = await graphWith('deepest').catch((e: unknown) => e);
    expect((err as CliError).message).toMatch(
      new RegExp(`^${PROD}/mysql/terragrunt.hcl:4: include merge_strategy must be one of`),
    );
  });
});

describe('dependency { enabled = false } (pkg/config/dependency.go isEnabled; discovery/helpers.go extractDependencyPaths)', () => {
  it('adds no edge and needs no existing target', async () => {
    repo.write({
      [`${PROD}/app/terragrunt.hcl`]: unit(
        undefined,
        `dependency "old" {\n  config_path = "../gone"\n  enabled     = false\n}\ndependency "vpc" {\n  config_path = "../vpc"\n  enabled     = local.on\n}\nlocals {\n  on = true\n}\n`,
      ),
    });
    repo.commit('disabled');
    const g = await loadUnitGraph({ repoRoot: repo.dir, root: L });
    expect(g.units[`${PROD}/app`]?.dependencies).toEqual([`${PROD}/vpc`]);
  });
});

describe('hooks: the files and folders a command names are read', () => {
  it('a script and a policy folder named by before_hook', async () => {
    const HOOK = `terraform {
  before_hook "lint" {
    commands = ["plan"]
    execute  = ["\${get_repo_root()}/scripts/lint.sh", "--config", "\${get_repo_root()}/policies", "tflint"]
  }
}
`;
    const files = {
      'scripts/lint.sh': '#!/bin/sh\n',
      'policies/a.rego': 'package a\n',
      [`${PROD}/app/terragrunt.hcl`]: unit(undefined, HOOK),
    };
    const r = await diff(files, { 'scripts/lint.sh': '#!/bin/sh\nexit 0\n' });
    expect(r.reasons).toEqual({ [`${PROD}/app`]: 'reads scripts/lint.sh (modified)' });
    const r2 = await diff({}, { 'policies/new/b.rego': 'package b\n' });
    expect(r2.reasons).toEqual({ [`${PROD}/app`]: 'reads policies/new/b.rego (added)' });
  });
});
