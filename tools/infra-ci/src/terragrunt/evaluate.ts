import { CliError } from '../errors.js';
import { evalJson, HclEvalError, type Scope, toText } from '../hcl/eval.js';
import { ExprSyntaxError } from '../hcl/expr.js';
import { attributePattern, blockPattern, findLine, type HclJson } from '../hcl/parse.js';
import { isRecord, LazyObject, UNKNOWN, type Value } from '../hcl/value.js';
import { type ExcludeBlock, type ExcludeConfig, mergeExclude } from './exclude.js';
import { type Ctx, type FileResult, terragruntScope } from './functions.js';
import { dirOf, isLocalSource, localModulePath, toRel } from './paths.js';

/** Where a value came from: repository-relative file and 1-based line. */
export interface Location {
  file: string;
  line: number;
}

/** What evaluating one unit found. All paths are relative to the repository root. */
export interface UnitConfig {
  /** Unit id: the unit's folder, relative to the repository root. */
  id: string;
  /** Unit ids this unit depends on (`dependency` blocks of the unit and all its includes, `dependencies.paths`). */
  dependencies: { id: string; at: Location }[];
  /** Files the unit reads: its terragrunt.hcl, includes, read_terragrunt_config (transitively), read_tfvars_file, sops_decrypt_file, mark_as_read, file(). */
  reads: string[];
  /** Folder of the local `terraform.source` module, if any (every file under it is read). */
  moduleDir: string | undefined;
  /** The evaluated `terraform.source` (last wins: the unit overrides its includes). */
  source: { value: string; at: Location } | undefined;
  /** Input names (merged over includes) with where each is set; undefined when inputs are not static. */
  inputs: Map<string, Location> | undefined;
  /** The `exclude` block, merged over the includes (the unit's own fields win); undefined when none. */
  exclude: (ExcludeConfig & { at: Location }) | undefined;
}

/** Thrown when evaluation needs a file that is in the tree but not parsed yet. */
export class NeedFile extends Error {
  /** Where the file is read (the `include` block or the attribute calling read_terragrunt_config), once known. */
  at: Location | undefined;
  constructor(readonly file: string) {
    super(`need ${file}`);
  }
}

interface Acc {
  reads: Set<string>;
  deps: Map<string, { id: string; at: Location }>;
  source: { value: string; at: Location } | undefined;
  inputs: Map<string, Location> | undefined;
  exclude: ExcludeBlock | undefined;
}

const EXCLUDE_ATTRS = ['if', 'actions', 'exclude_dependencies', 'no_run'];

type Block = { label: string; body: Record<string, unknown> };

/** Blocks of a type as hcl2json returns them: `{label: [body]}` or `[body]` when unlabeled. */
function blocks(v: unknown): Block[] {
  if (Array.isArray(v))
    return v.map((body) => ({ label: '', body: body as Record<string, unknown> }));
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).flatMap(([label, bodies]) =>
      (Array.isArray(bodies) ? bodies : [bodies]).map((body) => ({
        label,
        body: body as Record<string, unknown>,
      })),
    );
  }
  return [];
}

/**
 * Evaluates Terragrunt units over parsed files with Terragrunt's path semantics: included files
 * are evaluated in the unit's context (relative paths, get_terragrunt_dir and
 * find_in_parent_folders resolve from the unit's folder; path_relative_to_include from the included
 * file's folder); a file read with read_terragrunt_config is evaluated in its own folder.
 */
export class Evaluator {
  private readonly folders: Set<string>;
  private readonly readCache = new Map<string, { value: Value; reads: Set<string> }>();
  private readonly reading = new Set<string>();
  private readonly lines = new Map<string, Map<RegExp, number>>();
  private readonly rels = new Map<string, string>();

  constructor(
    private readonly repoRoot: string,
    private readonly files: ReadonlySet<string>,
    private readonly parsed: ReadonlyMap<string, HclJson>,
    private readonly sources: ReadonlyMap<string, string>,
    folders: Set<string>,
  ) {
    this.folders = folders;
  }

  /** @param id unit id: the unit's folder relative to the repository root. */
  evaluateUnit(id: string): UnitConfig {
    const file = id === '' ? 'terragrunt.hcl' : `${id}/terragrunt.hcl`;
    const acc: Acc = {
      reads: new Set([file]),
      deps: new Map(),
      source: undefined,
      inputs: new Map(),
      exclude: undefined,
    };
    const ctx: Ctx = {
      file,
      tgDir: id,
      unitDir: id,
      includeFile: undefined,
      unitIncludes: new Map(),
    };
    this.evalFile(ctx, acc);
    const source = acc.source;
    let moduleDir: string | undefined;
    if (source && isLocalSource(source.value)) {
      moduleDir = this.located(source.at, () =>
        toRel(this.repoRoot, id, localModulePath(source.value)),
      );
      if (!this.folders.has(moduleDir)) {
        throw located(
          source.at,
          `terraform.source "${source.value}": folder ${moduleDir} does not exist`,
        );
      }
    }
    return {
      id,
      dependencies: [...acc.deps.values()],
      reads: [...acc.reads].sort(),
      moduleDir,
      source,
      inputs: acc.inputs,
      exclude: acc.exclude === undefined ? undefined : completeExclude(acc.exclude),
    };
  }

  private json(file: string): HclJson {
    const j = this.parsed.get(file);
    if (j === undefined) throw new NeedFile(file);
    return j;
  }

  /** Line of `pattern` in `file`, memoized by content: identical files recur across regions. */
  private line(file: string, pattern: RegExp): Location {
    const source = this.sources.get(file) ?? '';
    let lines = this.lines.get(source);
    if (!lines) {
      lines = new Map();
      this.lines.set(source, lines);
    }
    let line = lines.get(pattern);
    if (line === undefined) {
      line = findLine(source, pattern);
      lines.set(pattern, line);
    }
    return { file, line };
  }

  /** `toRel` from `baseDir`, memoized: the same absolute paths (from find_in_parent_folders,
   * get_repo_root) recur in every unit, and do not depend on `baseDir`. */
  private rel(baseDir: string, p: string): string {
    const key = p.startsWith('/') ? p : `${baseDir}\0${p}`;
    let r = this.rels.get(key);
    if (r === undefined) {
      r = toRel(this.repoRoot, baseDir, p);
      this.rels.set(key, r);
    }
    return r;
  }

  private located<T>(at: Location, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof NeedFile) err.at ??= at;
      if (err instanceof HclEvalError || err instanceof ExprSyntaxError)
        throw located(at, err.message);
      if (err instanceof CliError && !/^[^\s:]+:\d+: /.test(err.message)) {
        throw located(at, err.message);
      }
      throw err;
    }
  }

  private evalFile(ctx: Ctx, acc: Acc): FileResult {
    const json = this.json(ctx.file);
    const includes = new Map<string, FileResult>();
    const scope = this.scope(ctx, acc, () => locals, includes);
    const rawLocals: Record<string, unknown> = {};
    for (const b of blocks(json.locals)) Object.assign(rawLocals, b.body);
    const inProgress = new Set<string>();
    const locals: LazyObject = new LazyObject(
      () => Object.keys(rawLocals),
      (k) =>
        this.located(this.line(ctx.file, attributePattern(k)), () => {
          if (inProgress.has(k)) throw new HclEvalError(`local.${k} refers to itself`);
          inProgress.add(k);
          try {
            return evalJson(rawLocals[k], scope);
          } finally {
            inProgress.delete(k);
          }
        }),
    );

    for (const { label, body } of blocks(json.include)) {
      const at = this.line(ctx.file, blockPattern('include', label || undefined));
      const target = this.located(at, () => {
        const p = toText(evalJson(body.path, scope));
        if (p === UNKNOWN)
          throw new HclEvalError(`include "${label}": path is not known statically`);
        return this.rel(ctx.tgDir, p);
      });
      if (!this.files.has(target)) {
        throw located(at, `include "${label}": ${target} does not exist`);
      }
      acc.reads.add(target);
      if (ctx.includeFile === undefined) ctx.unitIncludes.set(label, target);
      const child: Ctx = { ...ctx, file: target, includeFile: target };
      try {
        includes.set(label, this.evalFile(child, acc));
      } catch (err) {
        if (err instanceof NeedFile) err.at ??= at;
        throw err;
      }
    }

    for (const k of Object.keys(rawLocals)) locals.get(k);

    for (const { label, body } of blocks(json.dependency)) {
      const at = this.line(ctx.file, blockPattern('dependency', label));
      const id = this.located(at, () => {
        const p = toText(evalJson(body.config_path, scope));
        if (p === UNKNOWN)
          throw new HclEvalError(`dependency "${label}": config_path is not static`);
        return this.rel(ctx.tgDir, p);
      });
      this.checkUnit(id, at, `dependency "${label}" config_path`);
      acc.deps.set(`dependency:${label}`, { id, at });
    }
    for (const { body } of blocks(json.dependencies)) {
      const at = this.line(ctx.file, blockPattern('dependencies'));
      const paths = this.located(at, () => evalJson(body.paths, scope));
      if (!Array.isArray(paths)) continue;
      for (const p of paths) {
        const t = toText(p);
        if (t === UNKNOWN) continue;
        const id = this.located(at, () => this.rel(ctx.tgDir, t));
        this.checkUnit(id, at, 'dependencies.paths entry');
        acc.deps.set(`path:${id}`, { id, at });
      }
    }
    for (const { body } of blocks(json.terraform)) {
      if (body.source === undefined) continue;
      const at = this.line(ctx.file, attributePattern('source'));
      const v = this.located(at, () => toText(evalJson(body.source, scope)));
      if (v !== UNKNOWN) acc.source = { value: v, at };
    }
    const excludes = blocks(json.exclude);
    if (excludes.length > 1) {
      const headers = (this.sources.get(ctx.file) ?? '')
        .split('\n')
        .flatMap((l, i) => (/^[ \t]*exclude\s*\{/.test(l) ? [i] : []));
      const second = headers[1] ?? 0;
      throw located(
        { file: ctx.file, line: second + 1 },
        'only one exclude block is allowed in a file',
      );
    }
    for (const { body } of excludes) {
      const block = this.excludeBlock(ctx.file, body, scope);
      acc.exclude = mergeExclude(acc.exclude, block);
    }
    let inputs: Value = {};
    if (json.inputs !== undefined) {
      const at = this.line(ctx.file, attributePattern('inputs'));
      inputs = this.located(at, () => evalJson(json.inputs, scope));
      const plain = inputs instanceof LazyObject ? Object.fromEntries(inputs.entries()) : inputs;
      if (isRecord(plain) && acc.inputs) {
        for (const k of Object.keys(plain)) {
          acc.inputs.set(k, this.line(ctx.file, attributePattern(k)));
        }
      } else {
        acc.inputs = undefined;
      }
    }
    return { locals, inputs };
  }

  /** Line of attribute `name` inside the block starting at `blockLine` of `file`. */
  private attrLine(file: string, blockLine: number, name: string): Location {
    const lines = (this.sources.get(file) ?? '').split('\n');
    const re = attributePattern(name);
    for (let i = blockLine - 1; i < lines.length; i++) {
      if (re.test(lines[i] as string)) return { file, line: i + 1 };
      if (i > blockLine - 1 && /^\}/.test(lines[i] as string)) break;
    }
    return { file, line: blockLine };
  }

  /** One file's `exclude` block, its attributes evaluated in the file's scope (locals allowed). */
  private excludeBlock(file: string, body: Record<string, unknown>, scope: Scope): ExcludeBlock {
    const at = this.line(file, blockPattern('exclude'));
    for (const k of Object.keys(body)) {
      if (!EXCLUDE_ATTRS.includes(k)) {
        throw located(
          this.attrLine(file, at.line, k),
          `exclude: unsupported attribute "${k}" (expected ${EXCLUDE_ATTRS.join(', ')})`,
        );
      }
    }
    const value = (name: string): { v: Value; at: Location } | undefined => {
      if (body[name] === undefined) return undefined;
      const where = this.attrLine(file, at.line, name);
      const v = this.located(where, () => {
        try {
          return plainValue(evalJson(body[name], scope));
        } catch (err) {
          if (err instanceof HclEvalError || err instanceof ExprSyntaxError)
            throw new HclEvalError(`exclude.${name}: ${err.message}`);
          throw err;
        }
      });
      if (v === UNKNOWN) {
        throw located(
          where,
          `exclude.${name} is not known statically (it may use literals, locals and the functions infra-ci evaluates, not dependency outputs, get_env without a default or feature flags)`,
        );
      }
      return { v, at: where };
    };
    const bool = (name: string): boolean | undefined => {
      const x = value(name);
      if (x === undefined) return undefined;
      if (typeof x.v === 'boolean') return x.v;
      if (x.v === 'true' || x.v === 'false') return x.v === 'true';
      throw located(x.at, `exclude.${name} must be a bool (got ${describe(x.v)})`);
    };
    const list = (name: string): string[] | undefined => {
      const x = value(name);
      if (x === undefined) return undefined;
      if (!Array.isArray(x.v) || x.v.some((a) => typeof a !== 'string')) {
        throw located(
          x.at,
          `exclude.${name} must be a list of strings such as ["apply", "destroy"] (got ${describe(x.v)})`,
        );
      }
      return (x.v as string[]).map((a) => a.toLowerCase());
    };
    return {
      if: bool('if'),
      actions: list('actions'),
      excludeDependencies: bool('exclude_dependencies'),
      noRun: bool('no_run'),
      at,
    };
  }

  private checkUnit(id: string, at: Location, what: string): void {
    const f = id === '' ? 'terragrunt.hcl' : `${id}/terragrunt.hcl`;
    if (!this.files.has(f)) throw located(at, `${what}: ${id} is not a unit (no ${f})`);
  }

  private readConfig(ctx: Ctx, acc: Acc, p: string, fallback: Value | undefined): Value {
    const rel = this.rel(ctx.tgDir, p);
    if (!this.files.has(rel)) {
      if (fallback !== undefined) return fallback;
      throw new HclEvalError(`read_terragrunt_config: ${rel} does not exist`);
    }
    let hit = this.readCache.get(rel);
    if (!hit) {
      if (this.reading.has(rel))
        throw new HclEvalError(`read_terragrunt_config: ${rel} reads itself`);
      this.reading.add(rel);
      try {
        const dir = dirOf(rel);
        const sub: Acc = {
          reads: new Set([rel]),
          deps: new Map(),
          source: undefined,
          inputs: undefined,
          exclude: undefined,
        };
        const res = this.evalFile(
          { file: rel, tgDir: dir, unitDir: dir, includeFile: undefined, unitIncludes: new Map() },
          sub,
        );
        hit = {
          value: { locals: Object.fromEntries(res.locals.entries()), inputs: res.inputs },
          reads: sub.reads,
        };
        this.readCache.set(rel, hit);
      } finally {
        this.reading.delete(rel);
      }
    }
    for (const r of hit.reads) acc.reads.add(r);
    return hit.value;
  }

  private scope(
    ctx: Ctx,
    acc: Acc,
    locals: () => LazyObject,
    includes: Map<string, FileResult>,
  ): Scope {
    return terragruntScope({
      repoRoot: this.repoRoot,
      files: this.files,
      ctx,
      reads: acc.reads,
      locals,
      includes,
      readConfig: (p, fallback) => this.readConfig(ctx, acc, p, fallback),
    });
  }
}

function plainValue(v: Value): Value {
  return v instanceof LazyObject ? Object.fromEntries(v.entries()) : v;
}

function describe(v: Value): string {
  if (v === UNKNOWN) return 'an unknown value';
  return JSON.stringify(v);
}

/** The merged block of a unit: `if` and `actions` are required (as in Terragrunt). */
function completeExclude(e: ExcludeBlock): ExcludeConfig & { at: Location } {
  if (e.if === undefined) throw located(e.at, 'exclude: the "if" attribute is required');
  if (e.actions === undefined) {
    throw located(
      e.at,
      'exclude: the "actions" attribute is required (e.g. ["apply", "destroy"], ["all"])',
    );
  }
  return {
    if: e.if,
    actions: e.actions,
    excludeDependencies: e.excludeDependencies ?? false,
    noRun: e.noRun ?? false,
    at: e.at,
  };
}

export function located(at: Location, message: string): CliError {
  return new CliError('input', `${at.file}:${at.line}: ${message}`);
}
