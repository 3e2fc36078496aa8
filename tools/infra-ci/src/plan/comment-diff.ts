/**
 * Attribute-level changes of one resource from terraform's JSON plan (`show -json`,
 * `resource_changes[].change`: before, after, after_unknown, before_sensitive, after_sensitive —
 * https://developer.hashicorp.com/terraform/internals/json-format#change-representation).
 * Sensitive values are masked here, before anything is stored or rendered, so neither the bundle's
 * manifest nor a PR comment ever holds one. Pure.
 */
import { createHash } from 'node:crypto';

/** One changed attribute: display strings (JSON, shortened); absent = no value (null/unset). */
export interface AttrChange {
  /** `tags.Name`, `ingress[0].cidr_blocks[1]`. */
  path: string;
  before?: string;
  after?: string;
}

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';
/** Longest value shown; longer ones end with an ellipsis. */
export const VALUE_MAX = 120;
/** Most attribute changes kept per resource (the rest counted in `omitted`). */
export const ATTRS_MAX = 60;

export interface AttrDiff {
  attrs: AttrChange[];
  /** Attribute changes beyond ATTRS_MAX, not kept. */
  omitted: number;
  /**
   * sha256 of every attribute change with whole values (sensitive ones masked), so a comparison
   * also sees what the shortened `attrs` leave out; '' when there is none.
   */
  digest: string;
}

type Json = unknown;
const isContainer = (v: Json): v is Record<string, Json> | Json[] =>
  typeof v === 'object' && v !== null;

/** Child of a sensitivity/unknown marker: `true` covers the whole subtree. */
const childMark = (m: Json, k: string | number): Json =>
  m === true ? true : isContainer(m) ? (m as Record<string, Json>)[String(k)] : undefined;

function show(v: Json): string | undefined {
  if (v === null || v === undefined) return undefined;
  return JSON.stringify(v);
}

const shorten = (s: string | undefined): string | undefined =>
  s === undefined || s.length <= VALUE_MAX ? s : `${s.slice(0, VALUE_MAX - 1)}…`;

const same = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

interface Marks {
  bs: Json;
  as: Json;
  au: Json;
}

function walk(path: string, before: Json, after: Json, m: Marks, out: AttrChange[]): void {
  const masked = (v: Json, s: Json) =>
    v === null || v === undefined ? undefined : s === true ? SENSITIVE : show(v);
  const line = (b: string | undefined, a: string | undefined): void => {
    out.push({
      path,
      ...(b === undefined ? {} : { before: b }),
      ...(a === undefined ? {} : { after: a }),
    });
  };
  if (m.au === true) {
    line(masked(before, m.bs), UNKNOWN);
    return;
  }
  const leaf = m.bs === true || m.as === true || !(isContainer(before) || isContainer(after));
  if (leaf) {
    if (!same(before ?? null, after ?? null)) line(masked(before, m.bs), masked(after, m.as));
    return;
  }
  const arrays = Array.isArray(before) || Array.isArray(after);
  const keys = arrays
    ? Array.from(
        { length: Math.max(lengthOf(before), lengthOf(after), lengthOf(m.au)) },
        (_, i) => i,
      )
    : [...new Set([...keysOf(before), ...keysOf(after), ...keysOf(m.au)])].sort();
  for (const k of keys) {
    const child = arrays ? `${path}[${k}]` : path === '' ? String(k) : `${path}.${k}`;
    walk(
      child,
      pick(before, k),
      pick(after, k),
      { bs: childMark(m.bs, k), as: childMark(m.as, k), au: childMark(m.au, k) },
      out,
    );
  }
}

const lengthOf = (v: Json): number => (Array.isArray(v) ? v.length : 0);
const keysOf = (v: Json): string[] => (isContainer(v) && !Array.isArray(v) ? Object.keys(v) : []);
const pick = (v: Json, k: string | number): Json =>
  isContainer(v) ? (v as Record<string, Json>)[String(k)] : undefined;

/**
 * The changed attributes of one `resource_changes[].change`: for a create every set attribute,
 * for an update or replace what differs, nothing for a delete (its actions say it all).
 */
export function attributeDiff(change: unknown): AttrDiff {
  const c = (isContainer(change) ? change : {}) as Record<string, Json>;
  const actions = Array.isArray(c.actions) ? c.actions : [];
  if (actions.length === 1 && actions[0] === 'delete') return { attrs: [], omitted: 0, digest: '' };
  const out: AttrChange[] = [];
  walk(
    '',
    c.before ?? null,
    c.after ?? null,
    { bs: c.before_sensitive, as: c.after_sensitive, au: c.after_unknown },
    out,
  );
  const digest =
    out.length === 0 ? '' : createHash('sha256').update(JSON.stringify(out)).digest('hex');
  const attrs = out.slice(0, ATTRS_MAX).map((a) => {
    const before = shorten(a.before);
    const after = shorten(a.after);
    return {
      path: a.path,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
    };
  });
  return { attrs, omitted: Math.max(0, out.length - ATTRS_MAX), digest };
}
