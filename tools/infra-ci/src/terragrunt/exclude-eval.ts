/** The `exclude` block of a file, evaluated with the file's scope (docs/exclude-blocks.md). */
import { evalJson, HclEvalError, type Scope } from '../hcl/eval.js';
import { ExprSyntaxError } from '../hcl/expr.js';
import { attributePattern, blockPattern, type HclJson } from '../hcl/parse.js';
import { UNKNOWN, type Value } from '../hcl/value.js';
import { blocks, type EvalHelpers, type Location, located, plainValue } from './blocks.js';
import type { ExcludeBlock, ExcludeConfig } from './exclude.js';
import type { Ctx } from './functions.js';

const EXCLUDE_ATTRS = ['if', 'actions', 'exclude_dependencies', 'no_run'];
export function fileExclude(
  h: EvalHelpers,
  ctx: Ctx,
  json: HclJson,
  scope: Scope,
): ExcludeBlock | undefined {
  const excludes = blocks(json.exclude);
  if (excludes.length > 1) {
    const headers = (h.sources.get(ctx.file) ?? '')
      .split('\n')
      .flatMap((l, i) => (/^[ \t]*exclude\s*\{/.test(l) ? [i] : []));
    const second = headers[1] ?? 0;
    throw located(
      { file: ctx.file, line: second + 1 },
      'only one exclude block is allowed in a file',
    );
  }
  const only = excludes[0];
  return only === undefined ? undefined : excludeBlock(h, ctx.file, only.body, scope);
}

/** Line of attribute `name` inside the block starting at `blockLine` of `file`. */
export function attrLine(h: EvalHelpers, file: string, blockLine: number, name: string): Location {
  const lines = (h.sources.get(file) ?? '').split('\n');
  const re = attributePattern(name);
  for (let i = blockLine - 1; i < lines.length; i++) {
    if (re.test(lines[i] as string)) return { file, line: i + 1 };
    if (i > blockLine - 1 && /^\}/.test(lines[i] as string)) break;
  }
  return { file, line: blockLine };
}

/** One file's `exclude` block, its attributes evaluated in the file's scope (locals allowed). */
export function excludeBlock(
  h: EvalHelpers,
  file: string,
  body: Record<string, unknown>,
  scope: Scope,
): ExcludeBlock {
  const at = h.line(file, blockPattern('exclude'));
  for (const k of Object.keys(body)) {
    if (!EXCLUDE_ATTRS.includes(k)) {
      throw located(
        attrLine(h, file, at.line, k),
        `exclude: unsupported attribute "${k}" (expected ${EXCLUDE_ATTRS.join(', ')})`,
      );
    }
  }
  const value = (name: string): { v: Value; at: Location } | undefined => {
    if (body[name] === undefined) return undefined;
    const where = attrLine(h, file, at.line, name);
    const v = h.located(where, () => {
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

function describe(v: Value): string {
  if (v === UNKNOWN) return 'an unknown value';
  return JSON.stringify(v);
}

/** The merged block of a unit: `if` and `actions` are required (as in Terragrunt). */
export function completeExclude(e: ExcludeBlock): ExcludeConfig & { at: Location } {
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
