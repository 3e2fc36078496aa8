/**
 * Helpers shared by the evaluator and its block handlers: locations, hcl2json block lists,
 * traces, and what a block handler needs of the evaluator (EvalHelpers).
 */
import { CliError } from '../errors.js';
import type { Scope } from '../hcl/eval.js';
import { LazyObject, type Value } from '../hcl/value.js';
import type { Trace } from './functions.js';

/** Where a value came from: repository-relative file and 1-based line. */
export interface Location {
  file: string;
  line: number;
}

/** What block handlers use of the Evaluator (src/terragrunt/evaluate.ts). */
export interface EvalHelpers {
  readonly files: ReadonlySet<string>;
  readonly folders: ReadonlySet<string>;
  readonly sources: ReadonlyMap<string, string>;
  /** Line of `pattern` in `file`. */
  line(file: string, pattern: RegExp): Location;
  /** Run `fn`, its errors located at `at`. */
  located<T>(at: Location | (() => Location), fn: () => T): T;
  /** Evaluate `value` for the files it reads only; an error becomes a reason. */
  forReads(trace: Trace, at: Location, what: string, value: unknown, scope: Scope): void;
  /** Repository-relative form of `p` from `baseDir`. */
  rel(baseDir: string, p: string): string;
}

export type Block = { label: string; body: Record<string, unknown> };

const blockMemo = new WeakMap<object, Block[]>();
/** Blocks of a type as hcl2json returns them: `{label: [body]}` or `[body]` when unlabeled. */
export function blocks(v: unknown): Block[] {
  if (typeof v !== 'object' || v === null) return [];
  let hit = blockMemo.get(v);
  if (!hit) {
    hit = blocksOf(v);
    blockMemo.set(v, hit);
  }
  return hit;
}

function blocksOf(v: unknown): Block[] {
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

export const newTrace = (): Trace => ({
  reads: new Set(),
  probes: new Set(),
  globs: new Set(),
  unknowns: new Set(),
});

export function addTrace(to: Trace, from: Trace): void {
  for (const k of ['reads', 'probes', 'globs', 'unknowns'] as const) {
    for (const x of from[k]) to[k].add(x);
  }
}

const keyPatterns = new Map<string, RegExp>();
/** The line of a top-level attribute or block `key` (one RegExp per key: `line` memoizes by it). */
export function keyPattern(key: string): RegExp {
  let re = keyPatterns.get(key);
  if (!re) {
    re = new RegExp(`^[ \\t]*${key.replace(/[^\w-]/g, '')}\\b`, 'm');
    keyPatterns.set(key, re);
  }
  return re;
}

export function plainValue(v: Value): Value {
  return v instanceof LazyObject ? Object.fromEntries(v.entries()) : v;
}

export function located(at: Location, message: string): CliError {
  return new CliError('input', `${at.file}:${at.line}: ${message}`);
}
