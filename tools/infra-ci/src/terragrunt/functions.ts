import path from 'node:path';
import { HclEvalError, type Scope } from '../hcl/eval.js';
import { LazyObject, UNKNOWN, type Value } from '../hcl/value.js';
import { dirOf, globToRegExp, relativeBetween, toAbs, toRel } from './paths.js';

/** The evaluation context of one file (all paths relative to the repository root). */
export interface Ctx {
  /** File being evaluated. */
  file: string;
  /** Folder that get_terragrunt_dir(), find_in_parent_folders() and relative paths use. */
  tgDir: string;
  /** The unit being evaluated (get_original_terragrunt_dir). */
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

export interface ScopeEnv {
  repoRoot: string;
  files: ReadonlySet<string>;
  ctx: Ctx;
  /** Files the unit reads (repository-relative); functions add to it. */
  reads: Set<string>;
  locals: () => LazyObject;
  includes: Map<string, FileResult>;
  readConfig: (p: string, fallback: Value | undefined) => Value;
}

/**
 * Variables and Terragrunt functions for one file, with Terragrunt's path semantics (see
 * README "Terragrunt path semantics").
 */
export function terragruntScope(env: ScopeEnv): Scope {
  const { ctx, locals, includes } = env;
  const abs = (rel: string): string => toAbs(env.repoRoot, rel);
  const rel = (p: string, base = ctx.tgDir): string => toRel(env.repoRoot, base, p);
  const record = (p: string, base?: string): string => {
    const r = rel(p, base);
    env.reads.add(r);
    return r;
  };
  const includeDir = (label: Value | undefined): string | undefined => {
    if (ctx.includeFile !== undefined) return dirOf(ctx.includeFile);
    const f =
      label === undefined ? [...ctx.unitIncludes.values()][0] : ctx.unitIncludes.get(String(label));
    return f === undefined ? undefined : dirOf(f);
  };
  const includeObject = (r: FileResult): LazyObject =>
    new LazyObject(
      () => ['locals', 'inputs'],
      (k) => (k === 'locals' ? r.locals : r.inputs),
    );
  return {
    variable: (name: string): Value | undefined => {
      if (name === 'local') return locals();
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
      if (['dependency', 'feature', 'values', 'each', 'var', 'path'].includes(name)) return UNKNOWN;
      return undefined;
    },
    call: (name: string, args: Value[]): Value | undefined => {
      const known = args.every((a) => a !== UNKNOWN);
      const s = (i: number): string => String(args[i] ?? '');
      switch (name) {
        case 'find_in_parent_folders': {
          if (!known) return UNKNOWN;
          const target = args.length > 0 ? s(0) : 'terragrunt.hcl';
          let dir = ctx.tgDir;
          while (dir !== '') {
            dir = dirOf(dir);
            const cand = dir === '' ? target : `${dir}/${target}`;
            if (env.files.has(path.posix.normalize(cand))) return abs(path.posix.normalize(cand));
          }
          if (args.length > 1) return args[1] as Value;
          throw new HclEvalError(
            `find_in_parent_folders("${target}"): not found above ${ctx.tgDir}`,
          );
        }
        case 'get_terragrunt_dir':
          return abs(ctx.tgDir);
        case 'get_original_terragrunt_dir':
          return abs(ctx.unitDir);
        case 'get_repo_root':
          return abs('');
        case 'get_parent_terragrunt_dir':
          return abs(includeDir(args[0]) ?? ctx.tgDir);
        case 'path_relative_to_include': {
          const d = includeDir(args[0]);
          return d === undefined ? '.' : relativeBetween(d, ctx.unitDir);
        }
        case 'path_relative_from_include': {
          const d = includeDir(args[0]);
          return d === undefined ? '.' : relativeBetween(ctx.unitDir, d);
        }
        case 'dirname':
          return known ? path.posix.dirname(s(0)) : UNKNOWN;
        case 'basename':
          return known ? path.posix.basename(s(0)) : UNKNOWN;
        case 'abspath':
          return known ? abs(rel(s(0))) : UNKNOWN;
        case 'read_terragrunt_config':
          if (args[0] === UNKNOWN) return UNKNOWN;
          return env.readConfig(s(0), args[1]);
        case 'read_tfvars_file':
        case 'sops_decrypt_file':
          if (known) record(s(0));
          return UNKNOWN;
        case 'mark_as_read':
          if (!known) return UNKNOWN;
          record(s(0));
          return s(0);
        case 'mark_glob_as_read': {
          if (!known) return UNKNOWN;
          const re = globToRegExp(rel(s(0)));
          const hits = [...env.files].filter((f) => re.test(f));
          for (const h of hits) env.reads.add(h);
          return hits.map(abs);
        }
        case 'file':
        case 'filebase64':
        case 'templatefile':
          if (known) record(s(0), dirOf(ctx.file));
          return UNKNOWN;
        case 'fileexists':
          return known ? env.files.has(rel(s(0), dirOf(ctx.file))) : UNKNOWN;
        case 'get_env':
          return args.length > 1 ? (args[1] as Value) : UNKNOWN;
        default:
          return undefined;
      }
    },
  };
}
