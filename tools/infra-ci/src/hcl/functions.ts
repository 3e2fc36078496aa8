/**
 * The Terraform functions infra-ci evaluates, as pure functions of their arguments. Semantics
 * follow Terraform's function reference (developer.hashicorp.com/terraform/language/functions).
 * A name listed in PURE_OPAQUE is a Terraform function that reads no file but whose value
 * infra-ci does not compute: it evaluates to unknown (harmless unless it ends up in a path, which
 * the caller reports). Any other name is not supported: the caller reports it (docs/
 * terragrunt-surface.md).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { HclEvalError } from './errors.js';
import { isRecord, LazyObject, UNKNOWN, type Value } from './value.js';

type Fn = (args: Value[]) => Value;

/** A structured value with lazy objects expanded (one level deep is enough for our callers). */
export function plain(v: Value): Value {
  if (v instanceof LazyObject) return Object.fromEntries(v.entries());
  return v;
}

const str = (v: Value | undefined): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) throw new HclEvalError('expected a string, got null');
  throw new HclEvalError('expected a string, got a structured value');
};
const list = (v: Value | undefined): Value[] => {
  const p = plain(v ?? null);
  if (Array.isArray(p)) return p;
  throw new HclEvalError(`expected a list, got ${JSON.stringify(p)}`);
};
const map = (v: Value | undefined): { [k: string]: Value } => {
  const p = plain(v ?? null);
  if (isRecord(p)) return p;
  throw new HclEvalError(`expected an object, got ${JSON.stringify(p)}`);
};
const num = (v: Value | undefined): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || Number.isNaN(n)) throw new HclEvalError('expected a number');
  return n;
};

let yamlModule: { parse(s: string): unknown; stringify(v: unknown): string } | undefined;
/** `yaml` (already a dependency), loaded on first use: most runs never decode YAML. */
function yaml(): { parse(s: string): unknown; stringify(v: unknown): string } {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof yamlModule;
  return yamlModule as NonNullable<typeof yamlModule>;
}

/** Plain JSON data → Value (numbers, strings, bools, null, arrays, objects). */
function fromData(d: unknown): Value {
  if (d === undefined) return null;
  if (Array.isArray(d)) return d.map(fromData);
  if (d instanceof Date) return d.toISOString();
  if (typeof d === 'object' && d !== null) {
    return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, fromData(v)]));
  }
  if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' || d === null)
    return d;
  return String(d);
}

function toData(v: Value): unknown {
  const p = plain(v);
  if (Array.isArray(p)) return p.map(toData);
  if (isRecord(p)) return Object.fromEntries(Object.entries(p).map(([k, x]) => [k, toData(x)]));
  return p;
}

/** RE2 (Terraform) syntax → JavaScript: named groups `(?P<n>…)` become `(?<n>…)`. */
function re(pattern: string, flags = ''): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
  } catch (err) {
    throw new HclEvalError(`invalid regular expression ${JSON.stringify(pattern)}: ${String(err)}`);
  }
}

/** Terraform's regex() result for one match: the match, a list of groups, or named groups. */
function regexResult(m: RegExpExecArray): Value {
  if (m.groups !== undefined) return fromData({ ...m.groups });
  if (m.length > 1) return m.slice(1).map((g) => g ?? null);
  return m[0];
}

/** Terraform's format verbs: %s %d %v %q %f %t %% with optional flags and width. */
function format(spec: string, args: Value[]): string {
  let i = 0;
  return spec.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdvqftx%])/g,
    (_m: string, flags: string, width: string, prec: string | undefined, verb: string) => {
      if (verb === '%') return '%';
      if (i >= args.length) throw new HclEvalError(`format: not enough arguments for ${spec}`);
      const a = plain(args[i++] as Value);
      let out: string;
      if (verb === 'd') out = String(Math.trunc(num(a)));
      else if (verb === 'f') out = num(a).toFixed(prec === undefined ? 6 : Number(prec));
      else if (verb === 'x') out = Math.trunc(num(a)).toString(16);
      else if (verb === 'q') out = JSON.stringify(str(a));
      else if (verb === 'v' && (Array.isArray(a) || isRecord(a))) out = JSON.stringify(toData(a));
      else out = str(a);
      const w = Number(width || 0);
      if (out.length >= w) return out;
      if (flags.includes('-')) return out.padEnd(w);
      return out.padStart(w, flags.includes('0') ? '0' : ' ');
    },
  );
}

const FUNCTIONS: Record<string, Fn> = {
  format: (a) => format(str(a[0]), a.slice(1)),
  formatlist: (a) => {
    const n = Math.max(...a.slice(1).map((x) => (Array.isArray(plain(x)) ? list(x).length : 1)));
    return Array.from({ length: n }, (_, k) =>
      format(
        str(a[0]),
        a.slice(1).map((x) => (Array.isArray(plain(x)) ? (list(x)[k] as Value) : x)),
      ),
    );
  },
  lower: (a) => str(a[0]).toLowerCase(),
  upper: (a) => str(a[0]).toUpperCase(),
  title: (a) => str(a[0]).replace(/\b\w/g, (c) => c.toUpperCase()),
  replace: (a) => {
    const s = str(a[0]);
    const sub = str(a[1]);
    if (sub.length > 1 && sub.startsWith('/') && sub.endsWith('/'))
      return s.replace(re(sub.slice(1, -1), 'g'), str(a[2]));
    return s.split(sub).join(str(a[2]));
  },
  regex: (a) => {
    const m = re(str(a[0])).exec(str(a[1]));
    if (!m) throw new HclEvalError(`regex: pattern did not match ${JSON.stringify(str(a[1]))}`);
    return regexResult(m);
  },
  regexall: (a) => [...str(a[1]).matchAll(re(str(a[0]), 'g'))].map(regexResult),
  trimspace: (a) => str(a[0]).trim(),
  trim: (a) => {
    const cut = new Set(str(a[1]));
    const s = [...str(a[0])];
    while (s.length > 0 && cut.has(s[0] as string)) s.shift();
    while (s.length > 0 && cut.has(s[s.length - 1] as string)) s.pop();
    return s.join('');
  },
  trimprefix: (a) =>
    str(a[0]).startsWith(str(a[1])) ? str(a[0]).slice(str(a[1]).length) : str(a[0]),
  trimsuffix: (a) =>
    str(a[1]) !== '' && str(a[0]).endsWith(str(a[1]))
      ? str(a[0]).slice(0, -str(a[1]).length)
      : str(a[0]),
  chomp: (a) => str(a[0]).replace(/(\r?\n)+$/, ''),
  substr: (a) => {
    const s = [...str(a[0])];
    let off = num(a[1]);
    if (off < 0) off += s.length;
    const len = num(a[2]);
    return s.slice(off, len < 0 ? undefined : off + len).join('');
  },
  strrev: (a) => [...str(a[0])].reverse().join(''),
  startswith: (a) => str(a[0]).startsWith(str(a[1])),
  endswith: (a) => str(a[0]).endsWith(str(a[1])),
  strcontains: (a) => str(a[0]).includes(str(a[1])),
  split: (a) => str(a[1]).split(str(a[0])),
  join: (a) =>
    a
      .slice(1)
      .flatMap((l) => list(l))
      .map(str)
      .join(str(a[0])),
  length: (a) => {
    const p = plain(a[0] ?? null);
    if (typeof p === 'string') return [...p].length;
    if (Array.isArray(p)) return p.length;
    if (isRecord(p)) return Object.keys(p).length;
    throw new HclEvalError('length: expected a string, list or object');
  },
  element: (a) => {
    const l = list(a[0]);
    if (l.length === 0) throw new HclEvalError('element: empty list');
    const i = num(a[1]);
    return l[((i % l.length) + l.length) % l.length] as Value;
  },
  index: (a) => {
    const i = list(a[0]).findIndex(
      (x) => JSON.stringify(toData(x)) === JSON.stringify(toData(a[1] as Value)),
    );
    if (i < 0) throw new HclEvalError('index: value not in list');
    return i;
  },
  contains: (a) =>
    list(a[0]).some((x) => JSON.stringify(toData(x)) === JSON.stringify(toData(a[1] as Value))),
  concat: (a) => a.flatMap((l) => list(l)),
  flatten: (a) => {
    const flat = (l: Value[]): Value[] =>
      l.flatMap((x) => (Array.isArray(plain(x)) ? flat(list(x)) : [x]));
    return flat(list(a[0]));
  },
  distinct: (a) => {
    const seen = new Set<string>();
    return list(a[0]).filter((x) => {
      const k = JSON.stringify(toData(x));
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  },
  compact: (a) => list(a[0]).filter((x) => x !== null && x !== ''),
  reverse: (a) => [...list(a[0])].reverse(),
  sort: (a) => list(a[0]).map(str).sort(),
  slice: (a) => list(a[0]).slice(num(a[1]), num(a[2])),
  range: (a) => {
    const [start, end, step] =
      a.length === 1 ? [0, num(a[0]), 1] : [num(a[0]), num(a[1]), a.length > 2 ? num(a[2]) : 1];
    const out: number[] = [];
    for (let x = start; step > 0 ? x < end : x > end; x += step) out.push(x);
    return out;
  },
  keys: (a) => Object.keys(map(a[0])).sort(),
  values: (a) => {
    const m = map(a[0]);
    return Object.keys(m)
      .sort()
      .map((k) => m[k] as Value);
  },
  lookup: (a) => {
    const m = map(a[0]);
    const k = str(a[1]);
    if (k in m) return m[k] as Value;
    if (a.length > 2) return a[2] as Value;
    throw new HclEvalError(`lookup(): no key "${k}"`);
  },
  merge: (a) => {
    const out: { [k: string]: Value } = {};
    for (const x of a) if (x !== null) Object.assign(out, map(x));
    return out;
  },
  zipmap: (a) => {
    const ks = list(a[0]);
    const vs = list(a[1]);
    return Object.fromEntries(ks.map((k, i) => [str(k), vs[i] ?? null]));
  },
  coalesce: (a) => {
    const hit = a.find((x) => x !== null && x !== '');
    if (hit === undefined) throw new HclEvalError('coalesce: no non-null, non-empty argument');
    return hit;
  },
  coalescelist: (a) => {
    const hit = a.find((x) => list(x).length > 0);
    if (hit === undefined) throw new HclEvalError('coalescelist: no non-empty list');
    return hit;
  },
  one: (a) => {
    const l = list(a[0]);
    if (l.length > 1) throw new HclEvalError('one: more than one element');
    return l[0] ?? null;
  },
  alltrue: (a) => list(a[0]).every((x) => x === true || x === 'true'),
  anytrue: (a) => list(a[0]).some((x) => x === true || x === 'true'),
  max: (a) => Math.max(...a.map(num)),
  min: (a) => Math.min(...a.map(num)),
  sum: (a) => list(a[0]).reduce<number>((s, x) => s + num(x), 0),
  abs: (a) => Math.abs(num(a[0])),
  ceil: (a) => Math.ceil(num(a[0])),
  floor: (a) => Math.floor(num(a[0])),
  tostring: (a) => (a[0] === null ? null : str(a[0])),
  tonumber: (a) => (a[0] === null ? null : num(a[0])),
  tobool: (a) => {
    const v = a[0];
    if (v === null || typeof v === 'boolean') return v ?? null;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new HclEvalError('tobool: expected a bool');
  },
  tolist: (a) => list(a[0]),
  toset: (a) => FUNCTIONS.distinct?.([list(a[0])]) ?? [],
  tomap: (a) => map(a[0]),
  basename: (a) => path.posix.basename(str(a[0])),
  dirname: (a) => path.posix.dirname(str(a[0])),
  jsonencode: (a) => JSON.stringify(toData(a[0] ?? null)),
  jsondecode: (a) => {
    try {
      return fromData(JSON.parse(str(a[0])));
    } catch (err) {
      throw new HclEvalError(`jsondecode: ${String(err)}`);
    }
  },
  yamldecode: (a) => {
    try {
      return fromData(yaml().parse(str(a[0])));
    } catch (err) {
      throw new HclEvalError(`yamldecode: ${String(err)}`);
    }
  },
  yamlencode: (a) => yaml().stringify(toData(a[0] ?? null)),
  base64encode: (a) => Buffer.from(str(a[0]), 'utf8').toString('base64'),
  base64decode: (a) => Buffer.from(str(a[0]), 'base64').toString('utf8'),
};

/**
 * Terraform functions that read no file, whose value infra-ci does not compute (unknown).
 * Hashes, time, UUIDs, network arithmetic, encodings of unknown shape.
 */
const PURE_OPAQUE = new Set([
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'base64sha256',
  'base64sha512',
  'uuid',
  'uuidv5',
  'timestamp',
  'timeadd',
  'formatdate',
  'plantimestamp',
  'cidrhost',
  'cidrnetmask',
  'cidrsubnet',
  'cidrsubnets',
  'urlencode',
  'textencodebase64',
  'textdecodebase64',
  'csvdecode',
  'bcrypt',
  'sensitive',
  'nonsensitive',
  'type',
  'setproduct',
  'setunion',
  'setintersection',
  'setsubtract',
  'chunklist',
  'transpose',
  'matchkeys',
  'indent',
  'parseint',
  'log',
  'pow',
  'signum',
  'issensitive',
]);

/**
 * Evaluate Terraform function `name`. Returns undefined when infra-ci does not know the function
 * (the caller reports it); UNKNOWN when an argument is unknown or the function is PURE_OPAQUE.
 */
export function terraformFunction(name: string, args: Value[]): Value | undefined {
  const fn = FUNCTIONS[name];
  if (fn === undefined) return PURE_OPAQUE.has(name) ? UNKNOWN : undefined;
  if (args.includes(UNKNOWN)) return UNKNOWN;
  try {
    return fn(args);
  } catch (err) {
    // An unknown nested in a list or object (checked only on failure: the common case is known).
    if (args.some(containsUnknown)) return UNKNOWN;
    throw err;
  }
}

function containsUnknown(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isRecord(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** Names of the Terraform functions evaluated exactly (docs/terragrunt-surface.md lists them). */
export const SUPPORTED_TERRAFORM_FUNCTIONS = Object.keys(FUNCTIONS).sort();
