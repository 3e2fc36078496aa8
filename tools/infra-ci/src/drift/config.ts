/**
 * Noise control: a unit marks known drift in its own terragrunt.hcl, as a local (Terragrunt
 * rejects unknown top-level blocks and attributes, but any local is allowed and unused ones cost
 * nothing):
 *
 *   locals {
 *     infra_ci_drift = {
 *       ignore = ["aws_globalaccelerator_endpoint_group.this[\"eu-west-2\"]", "module.x.*"]
 *       reason = "the failover controller pins the dials"
 *     }
 *   }
 *
 * `ignore` lists resource addresses as `terraform show -json` prints them; `*` matches any run of
 * characters, so `["*"]` ignores every change of the unit (it is still planned: errors still
 * show). Both attributes are required, as literals. `skip = true` (with a reason, no `ignore`)
 * leaves the unit out of drift runs altogether — for a unit whose plan cannot be trusted under the
 * plan role (e.g. it must run with -refresh=false there, which would hide every drift); it is
 * listed as not checked, never as in sync. A malformed value is an input error at its
 * file:line (exit 2), like a malformed `exclude` block; so is `infra_ci_drift` in any .hcl file
 * that is not a unit's own terragrunt.hcl (Terragrunt does not merge locals across includes, so
 * it would silently do nothing). Pure functions over parsed HCL (hcl2json's JSON).
 */
import { CliError } from '../errors.js';
import { attributePattern, findLine, type HclJson } from '../hcl/parse.js';

export const DRIFT_LOCAL = 'infra_ci_drift';

/** A unit's known drift. `file`/`line` locate the local (file relative to the repository root). */
export interface DriftIgnore {
  ignore: string[];
  /** Not planned by drift at all (`skip = true`). */
  skip: boolean;
  reason: string;
  file: string;
  line: number;
}

const ATTRS = ['ignore', 'reason', 'skip'];
/** A template (`${…}`, `%{…}`) in a string hcl2json returns: not a literal. */
const TEMPLATE = /[$%]\{/;

/** Whether a file may hold the local at all: a cheap text test before parsing. */
export const mentionsDriftLocal = (source: string): boolean => source.includes(DRIFT_LOCAL);

/**
 * The `infra_ci_drift` local of a unit's terragrunt.hcl (undefined when it has none).
 * @param file the unit's terragrunt.hcl, relative to the repository root
 */
export function driftIgnoreOf(
  file: string,
  json: HclJson,
  source: string,
): DriftIgnore | undefined {
  const blocks = Array.isArray(json.locals) ? (json.locals as unknown[]) : [];
  const found = blocks.filter(
    (b): b is Record<string, unknown> =>
      typeof b === 'object' && b !== null && DRIFT_LOCAL in (b as object),
  );
  if (found.length === 0) return undefined;
  const line = findLine(source, attributePattern(DRIFT_LOCAL));
  const fail = (what: string): never => {
    const sep = what.startsWith('.') ? '' : ' ';
    throw new CliError('input', `${file}:${line}: local.${DRIFT_LOCAL}${sep}${what}`);
  };
  const value = found[0]?.[DRIFT_LOCAL];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(
      `must be an object literal { ignore = ["<resource address>", …], reason = "…" } (got ${describe(value)})`,
    );
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!ATTRS.includes(k))
      fail(`has an unsupported attribute "${k}" (expected ${ATTRS.join(', ')})`);
  }
  const { reason, ignore, skip } = obj;
  if (typeof reason !== 'string' || reason.trim() === '' || TEMPLATE.test(reason)) {
    fail(
      `.reason must be a non-empty literal string saying why the drift is expected (got ${describe(reason)})`,
    );
  }
  if (skip !== undefined && typeof skip !== 'boolean') {
    fail(`.skip must be true or false (got ${describe(skip)})`);
  }
  if (skip === true) {
    if (ignore !== undefined)
      fail('.ignore has no meaning with skip = true (the unit is not planned)');
    return { ignore: [], skip: true, reason: reason as string, file, line };
  }
  return { ignore: patternsOf(ignore, fail), skip: false, reason: reason as string, file, line };
}

function patternsOf(ignore: unknown, fail: (what: string) => never): string[] {
  if (!Array.isArray(ignore) || ignore.length === 0) {
    fail(
      `.ignore must be a non-empty list of resource addresses, e.g. ["aws_x.y", "module.m.*"], or ["*"] for the whole unit (got ${describe(ignore)})`,
    );
  }
  const patterns = ignore as unknown[];
  for (const p of patterns) {
    if (typeof p !== 'string' || p.trim() === '' || TEMPLATE.test(p)) {
      fail(`.ignore entries must be non-empty literal strings (got ${describe(p)})`);
    }
  }
  return patterns as string[];
}

/** Where a file that is not a unit's own terragrunt.hcl sets the local: an input error. */
export function misplacedDriftLocal(file: string, source: string): CliError {
  const line = findLine(source, attributePattern(DRIFT_LOCAL));
  return new CliError(
    'input',
    `${file}:${line}: local.${DRIFT_LOCAL} is only read from a unit's own terragrunt.hcl (Terragrunt does not merge locals from included files); move it into each unit it is meant for`,
  );
}

const describe = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return TEMPLATE.test(v) ? `the expression ${v}` : JSON.stringify(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'a list';
  return v === null ? 'null' : typeof v;
};

const globs = new Map<string, RegExp>();

/** Whether `address` matches a pattern of `ignore` (exact, or `*` as any run of characters). */
export function isIgnored(patterns: readonly string[], address: string): boolean {
  return patterns.some((p) => {
    let re = globs.get(p);
    if (!re) {
      const body = p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      re = new RegExp(`^${body}$`, 's');
      globs.set(p, re);
    }
    return re.test(address);
  });
}

/**
 * `infra-ci validate`'s check of `local.infra_ci_drift`: one finding per malformed or misplaced
 * local, so a PR cannot merge one that would stop the scheduled drift job.
 * @param unitFiles the units' own terragrunt.hcl files (relative to the repository root)
 */
export function driftLocalFindings(
  files: Iterable<{ file: string; source: string; json: HclJson }>,
  unitFiles: ReadonlySet<string>,
): { file: string; line: number; message: string }[] {
  const out: { file: string; line: number; message: string }[] = [];
  for (const f of files) {
    if (!f.file.endsWith('.hcl') || !mentionsDriftLocal(f.source)) continue;
    try {
      const d = driftIgnoreOf(f.file, f.json, f.source);
      if (d !== undefined && !unitFiles.has(f.file)) throw misplacedDriftLocal(f.file, f.source);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      const m = /^[^\s:]+:(\d+): (.*)$/s.exec(e.message);
      out.push({ file: f.file, line: Number(m?.[1] ?? 1), message: m?.[2] ?? e.message });
    }
  }
  return out;
}
