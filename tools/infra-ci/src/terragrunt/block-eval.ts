/** The `dependency`, `dependencies` and `terraform` blocks of a file (evaluate.ts evalFile). */
import { evalJson, type Scope, toText } from '../hcl/eval.js';
import { attributePattern, blockPattern, type HclJson } from '../hcl/parse.js';
import { UNKNOWN, type Value } from '../hcl/value.js';
import { blocks, type EvalHelpers, plainValue } from './blocks.js';
import type { Ctx, Trace } from './functions.js';
import type { FileConfig } from './merge.js';
import { varFileReads } from './var-files.js';

/** One file being evaluated: its parsed JSON, scope and context, and the config it fills in. */
export interface FileEval {
  h: EvalHelpers;
  ctx: Ctx;
  json: HclJson;
  scope: Scope;
  trace: Trace;
  own: FileConfig;
}

/** `dependency` blocks (edges, unless disabled) and `dependencies.paths`. */
export function dependencyBlocks({ h, ctx, json, scope, trace, own }: FileEval): void {
  for (const { label, body } of blocks(json.dependency)) {
    const at = h.line(ctx.file, blockPattern('dependency', label));
    const value = (name: string): Value | undefined =>
      body[name] === undefined
        ? undefined
        : h.located(at, () => plainValue(evalJson(body[name], scope)));
    const configPath = value('config_path');
    const enabled = value('enabled');
    const commands = value('mock_outputs_allowed_terraform_commands');
    const { config_path: _c, enabled: _e, ...rest } = body;
    h.forReads(trace, at, `dependency "${label}"`, rest, scope);
    own.deps.set(label, {
      configPath:
        configPath === undefined || configPath === UNKNOWN
          ? configPath
          : h.located(at, () => String(toText(configPath))),
      enabled:
        enabled === undefined || enabled === UNKNOWN
          ? enabled
          : enabled === true || enabled === 'true',
      mocked: body.mock_outputs !== undefined,
      mockKeys: literalKeys(body.mock_outputs),
      mockCommands:
        commands === undefined || commands === UNKNOWN
          ? commands
          : Array.isArray(commands)
            ? commands.map((c) => String(toText(c)))
            : UNKNOWN,
      at,
    });
  }
  for (const { body } of blocks(json.dependencies)) {
    const at = h.line(ctx.file, blockPattern('dependencies'));
    const paths = h.located(at, () => plainValue(evalJson(body.paths, scope)));
    if (paths === UNKNOWN) {
      trace.unknowns.add(`${at.file}:${at.line}: dependencies.paths is not known statically`);
      continue;
    }
    if (!Array.isArray(paths)) continue;
    for (const p of paths) {
      const t = toText(p);
      if (t === UNKNOWN) {
        trace.unknowns.add(`${at.file}:${at.line}: a dependencies.paths entry is not static`);
        continue;
      }
      own.depPaths.push({ path: t, at });
    }
  }
}

/** Keys of a literal HCL map as hcl2json gives it (an object); undefined for anything else. */
function literalKeys(v: unknown): string[] | undefined {
  const one = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return typeof one === 'object' && one !== null && !Array.isArray(one)
    ? Object.keys(one)
    : undefined;
}

/** `terraform` blocks: the source, the var files of extra_arguments, the rest for its reads. */
export function terraformBlocks({ h, ctx, json, scope, trace, own }: FileEval): void {
  for (const { body } of blocks(json.terraform)) {
    const { source, extra_arguments: extra, ...rest } = body;
    if (source !== undefined) {
      const at = h.line(ctx.file, attributePattern('source'));
      const v = h.located(at, () => toText(evalJson(source, scope)));
      own.source = { value: v, at };
    }
    for (const { label, body: arg } of blocks(extra)) {
      const at = h.line(ctx.file, blockPattern('extra_arguments', label));
      const value = (name: string): Value | undefined =>
        arg[name] === undefined
          ? undefined
          : h.located(at, () => plainValue(evalJson(arg[name], scope)));
      varFileReads(
        {
          required: value('required_var_files'),
          optional: value('optional_var_files'),
          arguments: value('arguments'),
        },
        { unitDir: ctx.unitDir, files: h.files, rel: (p) => h.rel(ctx.unitDir, p) },
        trace,
        `${at.file}:${at.line}: extra_arguments "${label}"`,
      );
      const { required_var_files: _r, optional_var_files: _o, arguments: _a, ...others } = arg;
      h.forReads(trace, at, `extra_arguments "${label}"`, others, scope);
    }
    for (const hook of ['before_hook', 'after_hook', 'error_hook']) {
      for (const { label, body: hookBody } of blocks(rest[hook])) {
        const at = h.line(ctx.file, blockPattern(hook, label));
        const execute = h.located(at, () => plainValue(evalJson(hookBody.execute, scope)));
        hookReads(h, execute, ctx.unitDir, trace);
      }
    }
    h.forReads(trace, h.line(ctx.file, blockPattern('terraform')), 'terraform', rest, scope);
  }
}

/**
 * A hook's command: the repository files and folders it names (a script, a config folder) are
 * read. What the command itself reads beyond them is not modelled (docs/terragrunt-surface.md).
 */
export function hookReads(h: EvalHelpers, execute: Value, unitDir: string, trace: Trace): void {
  if (!Array.isArray(execute)) return;
  for (const a of execute) {
    if (typeof a !== 'string' || a === '' || a.startsWith('-')) continue;
    let r: string;
    try {
      r = h.rel(unitDir, a);
    } catch {
      continue; // leaves the repository: not a file of ours
    }
    if (h.files.has(r)) trace.reads.add(r);
    else if (r !== unitDir && r !== '' && h.folders.has(r)) trace.globs.add(`${r}/**`);
    else if (r !== unitDir && r !== '') trace.probes.add(r);
  }
}
