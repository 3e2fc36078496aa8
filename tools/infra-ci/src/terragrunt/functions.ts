import path from 'node:path';
import { HclEvalError, type Scope } from '../hcl/eval.js';
import { plain } from '../hcl/functions.js';
import { isRecord, LazyObject, UNKNOWN, type Value } from '../hcl/value.js';
import { dirOf, globToRegExp, relativeBetween, toAbs, toRel } from './paths.js';

/** The evaluation context of one file (all paths relative to the repository root). */
export interface Ctx {
  /** File being evaluated. */
  file: string;
  /** Folder that get_terragrunt_dir(), find_in_parent_folders() and relative paths use. */
  tgDir: string;
  /** The unit being evaluated (get_original_terragrunt_dir, the folder terragrunt runs in). */
  unitDir: string;
  /** When evaluating an included file: that file. */
  includeFile: string | undefined;
  /** Includes of the unit by label (for path_relative_to_include in the unit itself). */
  unitIncludes: Map<string, string>;
}

/** An evaluated file: its locals (lazy) and inputs. */
export interface FileResult {
  locals: LazyObject;
  inputs: Value;
}

/** What evaluating a unit depends on, besides values: shared by a unit's files. */
export interface Trace {
  /** Files read (repository-relative). */
  reads: Set<string>;
  /** Paths whose existence was checked (found or not): adding or deleting one changes the answer. */
  probes: Set<string>;
  /** Globs (repository-relative) whose matches were read: a new match changes the answer. */
  globs: Set<string>;
  /** Why the reads are not exactly known ("file:line: …"); non-empty → always changed. */
  unknowns: Set<string>;
}

export interface ScopeEnv {
  repoRoot: string;
  files: ReadonlySet<string>;
  /** Every folder of the tree ('' is the repository root). */
  folders: ReadonlySet<string>;
  ctx: Ctx;
  trace: Trace;
  locals: () => LazyObject;
  includes: Map<string, FileResult>;
  readConfig: (p: string, fallback: Value | undefined) => Value;
  /** Record a reason the unit's reads are not exactly known (located by the caller). */
  report: (message: string) => void;
  /** Called when a value depends on the unit being evaluated (not only on the file). */
  usesUnitDir: () => void;
  /** find_in_parent_folders answers by folder and name, shared by every unit of a tree. */
  found: Map<string, { hit: string | undefined; probes: string[] }>;
}

/** Static lists Terragrunt returns (pkg/config/config_helpers.go, TerraformCommandsNeed*). */
const COMMAND_LISTS: Record<string, string[]> = {
  get_terraform_commands_that_need_vars: [
    'apply',
    'console',
    'destroy',
    'import',
    'plan',
    'push',
    'refresh',
  ],
  get_terraform_commands_that_need_locking: [
    'apply',
    'destroy',
    'import',
    'plan',
    'refresh',
    'taint',
    'untaint',
  ],
  get_terraform_commands_that_need_input: ['apply', 'import', 'init', 'plan', 'refresh'],
  get_terraform_commands_that_need_parallelism: ['apply', 'plan', 'destroy'],
};

/** Terragrunt functions whose value is only known at run time and which read no file. */
const RUNTIME = new Set([
  'get_aws_account_id',
  'get_aws_account_alias',
  'get_aws_caller_identity_arn',
  'get_aws_caller_identity_user_id',
  'get_terraform_command',
  'get_terraform_cli_args',
  'get_working_dir',
  'get_platform',
  'get_default_retryable_errors',
  'timecmp',
  'constraint_check',
]);

/** Terraform functions that read a file named by their first argument. */
const FILE_READERS = new Set([
  'file',
  'filebase64',
  'templatefile',
  'filemd5',
  'filesha1',
  'filesha256',
  'filesha512',
  'filebase64sha256',
  'filebase64sha512',
]);

function deepMerge(a: Value, b: Value): Value {
  const pa = plain(a);
  const pb = plain(b);
  if (isRecord(pa) && isRecord(pb)) {
    const out: { [k: string]: Value } = { ...pa };
    for (const [k, v] of Object.entries(pb)) out[k] = k in out ? deepMerge(out[k] as Value, v) : v;
    return out;
  }
  return pb;
}

/**
 * Variables and Terragrunt functions for one file, with Terragrunt's path semantics (docs/
 * terragrunt-surface.md; pkg/config/config_helpers.go).
 */
export function terragruntScope(env: ScopeEnv): Scope {
  return {
    report: env.report,
    variable: (name) => variableOf(env, name),
    call: (name, args) => {
      const list = COMMAND_LISTS[name];
      if (list) return [...list];
      if (RUNTIME.has(name)) return UNKNOWN;
      const c = new Call(env, name, args);
      if (FILE_READERS.has(name)) {
        if (!c.known) return c.unknownPath();
        c.record(c.s(0), dirOf(env.ctx.file));
        return UNKNOWN;
      }
      return FUNCTIONS[name]?.(c);
    },
  };
}

function variableOf(env: ScopeEnv, name: string): Value | undefined {
  const { includes } = env;
  if (name === 'local') return env.locals();
  if (name === 'include') {
    const only = includes.get('');
    if (only && includes.size === 1) return includeObject(only);
    return new LazyObject(
      () => [...includes.keys()],
      (k) => {
        const r = includes.get(k);
        return r ? includeObject(r) : UNKNOWN;
      },
    );
  }
  if (['dependency', 'feature', 'values', 'each', 'var', 'path', 'terraform'].includes(name))
    return UNKNOWN;
  return undefined;
}

const includeObject = (r: FileResult): LazyObject =>
  new LazyObject(
    () => ['locals', 'inputs'],
    (k) => (k === 'locals' ? r.locals : r.inputs),
  );

/** One call of a Terragrunt function: its arguments and the path helpers of its file. */
class Call {
  readonly known: boolean;
  constructor(
    readonly env: ScopeEnv,
    readonly name: string,
    readonly args: Value[],
  ) {
    this.known = args.every((a) => a !== UNKNOWN);
  }
  s(i: number): string {
    return String(this.args[i] ?? '');
  }
  abs(rel: string): string {
    return toAbs(this.env.repoRoot, rel);
  }
  rel(p: string, base = this.env.ctx.tgDir): string {
    return toRel(this.env.repoRoot, base, p);
  }
  /** Records `p` (from `base`) as read. */
  record(p: string, base?: string): string {
    const r = this.rel(p, base);
    this.env.trace.reads.add(r);
    return r;
  }
  /** A path argument that is unknown: the unit's reads are not known. */
  unknownPath(): Value {
    this.env.report(`${this.name}(): its path is not known statically`);
    return UNKNOWN;
  }
  /** Folder of the include named by the argument (the only one without), or of the included file. */
  includeDir(): string | undefined {
    const { ctx } = this.env;
    if (ctx.includeFile !== undefined) return dirOf(ctx.includeFile);
    const label = this.args[0];
    const f =
      label === undefined ? [...ctx.unitIncludes.values()][0] : ctx.unitIncludes.get(String(label));
    return f === undefined ? undefined : dirOf(f);
  }
  /** The unit's folder: the value depends on the unit, not only on the file. */
  unitDir(): string {
    this.env.usesUnitDir();
    return this.env.ctx.unitDir;
  }
}

/** Records the file named by the first argument as read (from the unit's folder); `value`. */
function readFile(c: Call, value: Value): Value {
  if (!c.known) return c.unknownPath();
  c.record(c.s(0));
  return value;
}

/** Terragrunt functions by name, beyond the command lists, run-time values and plain file readers. */
const FUNCTIONS: Record<string, (c: Call) => Value> = {
  find_in_parent_folders: (c) => (c.known ? findInParentFolders(c.env, c.args) : c.unknownPath()),
  get_terragrunt_dir: (c) => c.abs(c.env.ctx.tgDir),
  get_original_terragrunt_dir: (c) => c.abs(c.unitDir()),
  get_repo_root: (c) => c.abs(''),
  get_path_to_repo_root: (c) => relativeBetween(c.unitDir(), ''),
  get_path_from_repo_root: (c) => c.unitDir() || '.',
  // infra-ci runs terragrunt without --source (docs/terragrunt-surface.md).
  get_terragrunt_source_cli_flag: () => '',
  get_parent_terragrunt_dir: (c) => c.abs(c.includeDir() ?? c.env.ctx.tgDir),
  path_relative_to_include: (c) => {
    const d = c.includeDir();
    return d === undefined ? '.' : relativeBetween(d, c.env.ctx.unitDir);
  },
  path_relative_from_include: (c) => {
    const d = c.includeDir();
    return d === undefined ? '.' : relativeBetween(c.env.ctx.unitDir, d);
  },
  abspath: (c) => (c.known ? c.abs(c.rel(c.s(0))) : UNKNOWN),
  deep_merge: (c) => (c.known ? c.args.reduce<Value>((a, b) => deepMerge(a, b), {}) : UNKNOWN),
  read_terragrunt_config: (c) =>
    c.args[0] === UNKNOWN ? c.unknownPath() : c.env.readConfig(c.s(0), c.args[1]),
  read_tfvars_file: (c) => readFile(c, UNKNOWN),
  sops_decrypt_file: (c) => readFile(c, UNKNOWN),
  mark_as_read: (c) => readFile(c, c.s(0)),
  mark_glob_as_read: (c) => (c.known ? readGlob(c.env, c.rel(c.s(0))) : c.unknownPath()),
  fileset: (c) => {
    if (!c.known) return c.unknownPath();
    const from = dirOf(c.env.ctx.file);
    return readGlob(c.env, c.rel(path.posix.join(c.s(0), c.s(1)), from)).map((f) =>
      path.posix.relative(c.abs(c.rel(c.s(0), from)), f),
    );
  },
  fileexists: (c) => {
    if (!c.known) return c.unknownPath();
    const r = c.rel(c.s(0), dirOf(c.env.ctx.file));
    c.env.trace.probes.add(r);
    return c.env.files.has(r);
  },
  get_env: (c) => (c.args.length > 1 ? (c.args[1] as Value) : UNKNOWN),
  run_cmd: (c) => {
    c.env.report('run_cmd(): the command may read any file');
    return UNKNOWN;
  },
};

/**
 * find_in_parent_folders: from the parent of the file's folder up to the repository root, the
 * first `dir/name` that exists, as a file **or a folder** (Terragrunt checks with
 * util.FileExists, an os.Stat: pkg/config/config_helpers.go, parentFileExists). Every candidate
 * looked at is a probe: adding or deleting a nearer one changes the answer.
 */
function findInParentFolders(env: ScopeEnv, args: Value[]): Value {
  const target = args.length > 0 && args[0] !== '' ? String(args[0]) : 'terragrunt.hcl';
  const key = `${env.ctx.tgDir}\0${target}`;
  let r = env.found.get(key);
  if (r === undefined) {
    const probes: string[] = [];
    let hit: string | undefined;
    let dir = env.ctx.tgDir;
    while (dir !== '' && hit === undefined) {
      dir = dirOf(dir);
      const cand = path.posix.normalize(dir === '' ? target : `${dir}/${target}`);
      probes.push(cand);
      if (env.files.has(cand) || env.folders.has(cand)) hit = cand;
    }
    r = { hit, probes };
    env.found.set(key, r);
  }
  for (const p of r.probes) env.trace.probes.add(p);
  if (r.hit !== undefined) return toAbs(env.repoRoot, r.hit);
  if (args.length > 1) return args[1] as Value;
  throw new HclEvalError(`find_in_parent_folders("${target}"): not found above ${env.ctx.tgDir}`);
}

/** Files matching a repository-relative glob, recorded as read; the glob itself too. */
function readGlob(env: ScopeEnv, glob: string): string[] {
  env.trace.globs.add(glob);
  const re = globToRegExp(glob);
  const hits = [...env.files].filter((f) => re.test(f)).sort();
  for (const h of hits) env.trace.reads.add(h);
  return hits.map((h) => toAbs(env.repoRoot, h));
}
