import { CliError } from '../errors.js';
import { evalJson, HclEvalError, type Scope, toText } from '../hcl/eval.js';
import { ExprSyntaxError } from '../hcl/expr.js';
import { attributePattern, blockPattern, findLine, type HclJson } from '../hcl/parse.js';
import { isRecord, LazyObject, UNKNOWN, type Value } from '../hcl/value.js';
import { dependencyBlocks, terraformBlocks } from './block-eval.js';
import {
  addTrace,
  blocks,
  type EvalHelpers,
  keyPattern,
  type Location,
  located,
  newTrace,
} from './blocks.js';
import type { ExcludeConfig } from './exclude.js';
import { completeExclude, fileExclude } from './exclude-eval.js';
import { type Ctx, type FileResult, type Trace, terragruntScope } from './functions.js';
import {
  emptyConfig,
  type FileConfig,
  MERGE_STRATEGIES,
  type MergeStrategy,
  mergeInclude,
} from './merge.js';
import { dirOf, isLocalSource, localModulePath, toRel } from './paths.js';

export type { Location } from './blocks.js';
export { located } from './blocks.js';

/** What evaluating one unit found. All paths are relative to the repository root. */
export interface UnitConfig {
  /** Unit id: the unit's folder, relative to the repository root. */
  id: string;
  /** Unit ids this unit depends on (enabled `dependency` blocks of the unit and its merged includes, `dependencies.paths`). */
  dependencies: UnitDependency[];
  /** Files the unit reads: its terragrunt.hcl, includes, read_terragrunt_config (transitively), var files, file()… */
  reads: string[];
  /** Paths whose existence the evaluation checked (find_in_parent_folders candidates, fileexists, optional var files…). */
  probes: string[];
  /** Globs whose matches the unit reads (mark_glob_as_read, fileset, folders named by hooks). */
  globs: string[];
  /** Why the unit's reads are not exactly known ("file:line: …"): it is then always treated as changed. */
  unknowns: string[];
  /** Folder of the local `terraform.source` module, if any (every file under it is read). */
  moduleDir: string | undefined;
  /** The evaluated `terraform.source` (last wins: the unit overrides its includes). */
  source: { value: string; at: Location } | undefined;
  /** Input names (merged over includes) with where each is set; undefined when inputs are not static. */
  inputs: Map<string, Location> | undefined;
  /** The `exclude` block, merged over the includes (the unit's own fields win); undefined when none. */
  exclude: (ExcludeConfig & { at: Location }) | undefined;
  /** Files this unit includes (a `terragrunt.hcl` included by a unit is a root configuration, not a unit). */
  includes: string[];
}

/** One edge of a unit: the upstream unit id, where it is declared, and for a `dependency` block its name and mocks. */
export interface UnitDependency {
  id: string;
  at: Location;
  /** The `dependency` block's name (absent for a `dependencies.paths` entry). */
  name?: string;
  /**
   * Set when the block has `mock_outputs`: `commands` is its merged
   * `mock_outputs_allowed_terraform_commands`, undefined when not set (then every command may get
   * the mocks), `known` false when the list is not static.
   */
  mock?: { commands: string[] | undefined; known: boolean; keys?: string[] };
}

/** Thrown when evaluation needs a file that is in the tree but not parsed yet. */
export class NeedFile extends Error {
  /** Where the file is read (the `include` block or the attribute calling read_terragrunt_config), once known. */
  at: Location | undefined;
  constructor(readonly file: string) {
    super(`need ${file}`);
  }
}

/** Top-level keys evaluated for their own meaning; every other key is evaluated for its reads. */
const HANDLED = new Set([
  'locals',
  'include',
  'dependency',
  'dependencies',
  'terraform',
  'exclude',
  'inputs',
]);

type ReadHit = { value: Value; trace: Trace; unitDependent: boolean };

/**
 * Evaluates Terragrunt units over parsed files with Terragrunt's path semantics: included files
 * are evaluated in the unit's context (relative paths, get_terragrunt_dir and
 * find_in_parent_folders resolve from the unit's folder; path_relative_to_include from the included
 * file's folder); a file read with read_terragrunt_config is evaluated in its own folder.
 * Whatever may read a file infra-ci cannot name is recorded in `unknowns` (docs/change-detection.md, "The rule").
 */
export class Evaluator implements EvalHelpers {
  readonly folders: Set<string>;
  private readonly readCache = new Map<string, ReadHit>();
  private readonly reading = new Set<string>();
  private readonly lines = new Map<string, Map<RegExp, number>>();
  private readonly rels = new Map<string, string>();
  /** The attribute being evaluated (where a report points), possibly not computed yet. */
  private where: Location | (() => Location) = { file: '', line: 1 };
  /** Set when a value read the unit's folder (get_original_terragrunt_dir…). */
  private unitDependent = false;
  private readonly found = new Map<string, { hit: string | undefined; probes: string[] }>();

  constructor(
    private readonly repoRoot: string,
    readonly files: ReadonlySet<string>,
    private readonly parsed: ReadonlyMap<string, HclJson>,
    readonly sources: ReadonlyMap<string, string>,
    folders: Set<string>,
  ) {
    this.folders = folders;
  }

  /** @param id unit id: the unit's folder relative to the repository root. */
  evaluateUnit(id: string): UnitConfig {
    const file = id === '' ? 'terragrunt.hcl' : `${id}/terragrunt.hcl`;
    const trace = newTrace();
    trace.reads.add(file);
    const ctx: Ctx = {
      file,
      tgDir: id,
      unitDir: id,
      includeFile: undefined,
      unitIncludes: new Map(),
    };
    const { config } = this.evalFile(ctx, trace);
    const dependencies = this.resolveDeps(id, config, trace);
    let source: UnitConfig['source'];
    let moduleDir: string | undefined;
    const s = config.source;
    if (s !== undefined && s.value === UNKNOWN) {
      trace.unknowns.add(`${s.at.file}:${s.at.line}: terraform.source is not known statically`);
    } else if (s !== undefined) {
      const value = s.value as string;
      source = { value, at: s.at };
      if (isLocalSource(value)) {
        moduleDir = this.located(s.at, () => toRel(this.repoRoot, id, localModulePath(value)));
        trace.probes.add(moduleDir);
        if (!this.folders.has(moduleDir)) {
          throw located(s.at, `terraform.source "${value}": folder ${moduleDir} does not exist`);
        }
      }
    }
    return {
      id,
      dependencies,
      reads: [...trace.reads].sort(),
      probes: [...trace.probes].filter((p) => !trace.reads.has(p)).sort(),
      globs: [...trace.globs].sort(),
      unknowns: [...trace.unknowns].sort(),
      moduleDir,
      source,
      inputs: config.inputs,
      exclude: config.exclude === undefined ? undefined : completeExclude(config.exclude),
      includes: [...ctx.unitIncludes.values()],
    };
  }

  /** Edges of the merged `dependency` blocks (enabled ones) and `dependencies.paths`. */
  private resolveDeps(id: string, config: FileConfig, trace: Trace): UnitDependency[] {
    const out = new Map<string, UnitDependency>();
    for (const [label, d] of config.deps) {
      // pkg/config/dependency.go: a disabled dependency is skipped before config_path is checked.
      if (d.enabled === false) continue;
      if (d.configPath === undefined || d.configPath === '') {
        throw located(d.at, `dependency "${label}": config_path is required`);
      }
      if (d.configPath === UNKNOWN) {
        throw located(d.at, `dependency "${label}": config_path is not static`);
      }
      const target = this.located(d.at, () => this.rel(id, d.configPath as string));
      this.checkUnit(target, d.at, `dependency "${label}" config_path`, trace);
      const known = d.mockCommands !== UNKNOWN;
      const commands = Array.isArray(d.mockCommands) ? d.mockCommands : undefined;
      out.set(`dependency:${label}`, {
        id: target,
        at: d.at,
        name: label,
        ...(d.mocked
          ? { mock: { commands, known, ...(d.mockKeys === undefined ? {} : { keys: d.mockKeys }) } }
          : {}),
      });
    }
    for (const { path, at } of config.depPaths) {
      const target = this.located(at, () => this.rel(id, path));
      this.checkUnit(target, at, 'dependencies.paths entry', trace);
      out.set(`path:${target}`, { id: target, at });
    }
    return [...out.values()];
  }

  private json(file: string): HclJson {
    const j = this.parsed.get(file);
    if (j === undefined) throw new NeedFile(file);
    return j;
  }

  /** Line of `pattern` in `file`, memoized by content: identical files recur across regions. */
  line(file: string, pattern: RegExp): Location {
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
  rel(baseDir: string, p: string): string {
    const key = p.startsWith('/') ? p : `${baseDir}\0${p}`;
    let r = this.rels.get(key);
    if (r === undefined) {
      r = toRel(this.repoRoot, baseDir, p);
      this.rels.set(key, r);
    }
    return r;
  }

  /** Run `fn`, its errors located at `at` (computed only when needed: lines cost a scan). */
  located<T>(at: Location | (() => Location), fn: () => T): T {
    const outer = this.where;
    this.where = at;
    try {
      return fn();
    } catch (err) {
      const loc = typeof at === 'function' ? at() : at;
      if (err instanceof NeedFile) err.at ??= loc;
      if (err instanceof HclEvalError || err instanceof ExprSyntaxError)
        throw located(loc, err.message);
      if (err instanceof CliError && !/^[^\s:]+:\d+: /.test(err.message)) {
        throw located(loc, err.message);
      }
      throw err;
    } finally {
      this.where = outer;
    }
  }

  /**
   * Evaluate `value` only for the files it reads (its value is not used): an error becomes a
   * reason the unit's reads are not known, never a silent gap.
   */
  forReads(trace: Trace, at: Location, what: string, value: unknown, scope: Scope): void {
    try {
      this.located(at, () => evalJson(value, scope));
    } catch (err) {
      if (err instanceof NeedFile || !(err instanceof CliError)) throw err;
      trace.unknowns.add(`${err.message.replace(/: /, `: cannot evaluate ${what}: `)}`);
    }
  }

  private evalFile(ctx: Ctx, trace: Trace): FileResult & { config: FileConfig } {
    const json = this.json(ctx.file);
    const includes = new Map<string, FileResult>();
    const merges: { config: FileConfig; strategy: MergeStrategy }[] = [];
    const scope = this.scope(ctx, trace, () => locals, includes);
    const rawLocals: Record<string, unknown> = {};
    for (const b of blocks(json.locals)) Object.assign(rawLocals, b.body);
    const inProgress = new Set<string>();
    const locals: LazyObject = new LazyObject(
      () => Object.keys(rawLocals),
      (k) =>
        this.located(
          () => this.line(ctx.file, attributePattern(k)),
          () => {
            if (inProgress.has(k)) throw new HclEvalError(`local.${k} refers to itself`);
            inProgress.add(k);
            try {
              return evalJson(rawLocals[k], scope);
            } finally {
              inProgress.delete(k);
            }
          },
        ),
    );

    for (const { label, body } of blocks(json.include)) {
      const { result, strategy } = this.evalInclude(ctx, trace, scope, label, body);
      includes.set(label, result);
      merges.push({ config: result.config, strategy });
    }

    for (const k of Object.keys(rawLocals)) locals.get(k);
    const own = emptyConfig();
    const file = { h: this, ctx, json, scope, trace, own };
    dependencyBlocks(file);
    terraformBlocks(file);
    own.exclude = fileExclude(this, ctx, json, scope);
    let inputs: Value = {};
    if (json.inputs !== undefined) {
      const at = this.line(ctx.file, attributePattern('inputs'));
      inputs = this.located(at, () => evalJson(json.inputs, scope));
      const plain = inputs instanceof LazyObject ? Object.fromEntries(inputs.entries()) : inputs;
      if (isRecord(plain)) {
        for (const k of Object.keys(plain)) {
          own.inputs?.set(k, this.line(ctx.file, attributePattern(k)));
        }
      } else {
        own.inputs = undefined;
      }
    }
    for (const [key, value] of Object.entries(json)) {
      if (HANDLED.has(key)) continue;
      const at = this.line(ctx.file, keyPattern(key));
      this.forReads(trace, at, key, value, scope);
    }
    // pkg/config/include.go handleInclude: merged bottom up, later includes override earlier.
    let config = own;
    for (let i = merges.length - 1; i >= 0; i -= 1) {
      const m = merges[i] as (typeof merges)[number];
      config = mergeInclude(m.config, config, m.strategy);
    }
    return { locals, inputs, config };
  }

  /** An `include` block of `ctx.file`: the included file evaluated in the unit's context. */
  private evalInclude(
    ctx: Ctx,
    trace: Trace,
    scope: Scope,
    label: string,
    body: Record<string, unknown>,
  ): { result: FileResult & { config: FileConfig }; strategy: MergeStrategy } {
    const at = this.line(ctx.file, blockPattern('include', label || undefined));
    const target = this.located(at, () => {
      const p = toText(evalJson(body.path, scope));
      if (p === UNKNOWN) throw new HclEvalError(`include "${label}": path is not known statically`);
      return this.rel(ctx.tgDir, p);
    });
    if (!this.files.has(target)) {
      throw located(at, `include "${label}": ${target} does not exist`);
    }
    const strategy = this.located(at, () => mergeStrategy(body.merge_strategy, scope));
    trace.reads.add(target);
    if (ctx.includeFile === undefined) ctx.unitIncludes.set(label, target);
    const child: Ctx = { ...ctx, file: target, includeFile: target };
    try {
      return { result: this.evalFile(child, trace), strategy };
    } catch (err) {
      if (err instanceof NeedFile) err.at ??= at;
      throw err;
    }
  }

  private checkUnit(id: string, at: Location, what: string, trace: Trace): void {
    const f = id === '' ? 'terragrunt.hcl' : `${id}/terragrunt.hcl`;
    trace.probes.add(f);
    if (!this.files.has(f)) throw located(at, `${what}: ${id} is not a unit (no ${f})`);
  }

  /**
   * read_terragrunt_config: the file is evaluated in its own folder; get_original_terragrunt_dir
   * inside it is still the unit's folder (pkg/config/config_helpers.go getOriginalTerragruntDir),
   * so a file whose value depends on the unit is cached per unit, any other once.
   */
  private readConfig(ctx: Ctx, trace: Trace, p: string, fallback: Value | undefined): Value {
    const rel = this.rel(ctx.tgDir, p);
    trace.probes.add(rel);
    if (!this.files.has(rel)) {
      if (fallback !== undefined) return fallback;
      throw new HclEvalError(`read_terragrunt_config: ${rel} does not exist`);
    }
    const perUnit = `${rel}\0${ctx.unitDir}`;
    let hit = this.readCache.get(rel);
    if (hit?.unitDependent) hit = this.readCache.get(perUnit);
    if (!hit) {
      if (this.reading.has(rel))
        throw new HclEvalError(`read_terragrunt_config: ${rel} reads itself`);
      this.reading.add(rel);
      const outer = this.unitDependent;
      this.unitDependent = false;
      try {
        const dir = dirOf(rel);
        const sub = newTrace();
        sub.reads.add(rel);
        const res = this.evalFile(
          {
            file: rel,
            tgDir: dir,
            unitDir: ctx.unitDir,
            includeFile: undefined,
            unitIncludes: new Map(),
          },
          sub,
        );
        hit = {
          value: { locals: Object.fromEntries(res.locals.entries()), inputs: res.inputs },
          trace: sub,
          unitDependent: this.unitDependent,
        };
        if (hit.unitDependent) {
          this.readCache.set(rel, { ...hit });
          this.readCache.set(perUnit, hit);
        } else {
          this.readCache.set(rel, hit);
        }
      } finally {
        this.reading.delete(rel);
        this.unitDependent ||= outer;
      }
    } else if (hit.unitDependent) {
      this.unitDependent = true;
    }
    addTrace(trace, hit.trace);
    return hit.value;
  }

  private scope(
    ctx: Ctx,
    trace: Trace,
    locals: () => LazyObject,
    includes: Map<string, FileResult>,
  ): Scope {
    return terragruntScope({
      repoRoot: this.repoRoot,
      files: this.files,
      folders: this.folders,
      ctx,
      trace,
      locals,
      includes,
      readConfig: (p, fallback) => this.readConfig(ctx, trace, p, fallback),
      report: (message) => {
        const w = typeof this.where === 'function' ? this.where() : this.where;
        trace.unknowns.add(`${w.file}:${w.line}: ${message}`);
      },
      usesUnitDir: () => {
        this.unitDependent = true;
      },
      found: this.found,
    });
  }
}

/** An include's `merge_strategy` (default shallow), as pkg/config/include.go GetMergeStrategy. */
function mergeStrategy(raw: unknown, scope: Scope): MergeStrategy {
  if (raw === undefined) return 'shallow';
  const v = evalJson(raw, scope);
  if (typeof v === 'string' && (MERGE_STRATEGIES as readonly string[]).includes(v))
    return v as MergeStrategy;
  throw new HclEvalError(
    `include merge_strategy must be one of ${MERGE_STRATEGIES.join(', ')} (got ${v === UNKNOWN ? 'an unknown value' : JSON.stringify(v)})`,
  );
}
