import { type Expr, parseTemplate } from './expr.js';
import { isRecord, LazyObject, UNKNOWN, type Value } from './value.js';

/** Evaluation scope: root variables (`local`, `include`, `dependency`...) and functions. */
export interface Scope {
  /** Value of a root variable, or undefined when the name is not defined here. */
  variable(name: string): Value | undefined;
  /** Call a function with evaluated arguments; undefined when the function is not modelled. */
  call(name: string, args: Value[]): Value | undefined;
}

export class HclEvalError extends Error {}

/** Evaluate a value as hcl2json returns it: strings may hold `${...}` expressions. */
const templates = new Map<string, Expr>();

/** Parsed template for a string, cached: the same expression text recurs across many units. */
function template(text: string): Expr {
  let e = templates.get(text);
  if (!e) {
    e = parseTemplate(text);
    templates.set(text, e);
  }
  return e;
}

export function evalJson(json: unknown, scope: Scope): Value {
  if (typeof json === 'string') return json.includes('{') ? evalExpr(template(json), scope) : json;
  if (Array.isArray(json)) return json.map((j) => evalJson(j, scope));
  if (typeof json === 'object' && json !== null) {
    const out: { [k: string]: Value } = {};
    for (const [k, v] of Object.entries(json)) out[k] = evalJson(v, scope);
    return out;
  }
  if (typeof json === 'number' || typeof json === 'boolean' || json === null) return json;
  return UNKNOWN;
}

function attr(target: Value, name: string): Value {
  if (target === UNKNOWN) return UNKNOWN;
  if (target instanceof LazyObject) {
    if (!target.has(name)) throw new HclEvalError(`unsupported attribute "${name}"`);
    return target.get(name);
  }
  if (isRecord(target)) {
    if (!(name in target)) throw new HclEvalError(`unsupported attribute "${name}"`);
    return target[name] as Value;
  }
  if (Array.isArray(target) && /^[0-9]+$/.test(name)) return target[Number(name)] ?? UNKNOWN;
  throw new HclEvalError(`cannot read attribute "${name}" of a ${typeof target}`);
}

export function toText(v: Value): string | typeof UNKNOWN {
  if (v === UNKNOWN) return UNKNOWN;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new HclEvalError('cannot convert a structured value to a string');
}

export function evalExpr(e: Expr, scope: Scope): Value {
  switch (e.kind) {
    case 'lit':
      return e.value;
    case 'opaque':
      return UNKNOWN;
    case 'template': {
      let s = '';
      for (const part of e.parts) {
        const t = toText(evalExpr(part, scope));
        if (t === UNKNOWN) return UNKNOWN;
        s += t;
      }
      return s;
    }
    case 'var': {
      const v = scope.variable(e.name);
      if (v === undefined) throw new HclEvalError(`unknown variable "${e.name}"`);
      return v;
    }
    case 'attr':
      return attr(evalExpr(e.target, scope), e.name);
    case 'index': {
      const key = evalExpr(e.key, scope);
      if (key === UNKNOWN) return UNKNOWN;
      return attr(evalExpr(e.target, scope), String(key));
    }
    case 'splat':
      return UNKNOWN;
    case 'call': {
      if (e.name === 'try' || e.name === 'can') return evalTry(e.name, e.args, scope);
      const args = e.args.map((a) => evalExpr(a, scope));
      const r = scope.call(e.name, args) ?? builtin(e.name, args);
      return r;
    }
    case 'tuple':
      return e.items.map((i) => evalExpr(i, scope));
    case 'object': {
      const out: { [k: string]: Value } = {};
      for (const { key, value } of e.entries) {
        const k = key.kind === 'var' ? key.name : evalExpr(key, scope);
        if (k === UNKNOWN) return UNKNOWN;
        out[String(k)] = evalExpr(value, scope);
      }
      return out;
    }
    case 'unary': {
      const v = evalExpr(e.operand, scope);
      if (v === UNKNOWN) return UNKNOWN;
      return e.op === '!' ? !v : -Number(v);
    }
    case 'binary':
      return binary(e.op, evalExpr(e.left, scope), evalExpr(e.right, scope));
    case 'cond': {
      const t = evalExpr(e.test, scope);
      if (t === UNKNOWN) return UNKNOWN;
      return t ? evalExpr(e.ifTrue, scope) : evalExpr(e.ifFalse, scope);
    }
  }
}

function evalTry(name: string, args: Expr[], scope: Scope): Value {
  for (const a of args) {
    try {
      const v = evalExpr(a, scope);
      return name === 'can' ? true : v;
    } catch (err) {
      if (!(err instanceof HclEvalError)) throw err;
    }
  }
  if (name === 'can') return false;
  throw new HclEvalError('try(): no argument could be evaluated');
}

function binary(op: string, a: Value, b: Value): Value {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  switch (op) {
    case '==':
      return JSON.stringify(a) === JSON.stringify(b);
    case '!=':
      return JSON.stringify(a) !== JSON.stringify(b);
    case '&&':
      return Boolean(a) && Boolean(b);
    case '||':
      return Boolean(a) || Boolean(b);
    case '+':
      return Number(a) + Number(b);
    case '-':
      return Number(a) - Number(b);
    case '*':
      return Number(a) * Number(b);
    case '/':
      return Number(a) / Number(b);
    case '%':
      return Number(a) % Number(b);
    case '<':
      return Number(a) < Number(b);
    case '>':
      return Number(a) > Number(b);
    case '<=':
      return Number(a) <= Number(b);
    case '>=':
      return Number(a) >= Number(b);
    default:
      return UNKNOWN;
  }
}

function plain(v: Value): Value {
  if (v instanceof LazyObject) return Object.fromEntries(v.entries());
  return v;
}

/** Pure Terraform functions that configs commonly use for paths and names. */
function builtin(name: string, args: Value[]): Value {
  if (args.some((a) => a === UNKNOWN)) return UNKNOWN;
  const s = (i: number): string => String(args[i] ?? '');
  switch (name) {
    case 'format': {
      let i = 1;
      return s(0).replace(/%[sdv%]/g, (m) => (m === '%%' ? '%' : String(args[i++] ?? '')));
    }
    case 'lower':
      return s(0).toLowerCase();
    case 'upper':
      return s(0).toUpperCase();
    case 'replace':
      return s(0).split(s(1)).join(s(2));
    case 'trimsuffix':
      return s(0).endsWith(s(1)) ? s(0).slice(0, -s(1).length) : s(0);
    case 'trimprefix':
      return s(0).startsWith(s(1)) ? s(0).slice(s(1).length) : s(0);
    case 'split':
      return s(1).split(s(0));
    case 'join':
      return Array.isArray(args[1]) ? args[1].map(String).join(s(0)) : UNKNOWN;
    case 'merge': {
      const out: { [k: string]: Value } = {};
      for (const a of args) {
        const p = plain(a);
        if (p === UNKNOWN) return UNKNOWN;
        if (isRecord(p)) Object.assign(out, p);
      }
      return out;
    }
    case 'concat':
      return args.flatMap((a) => (Array.isArray(a) ? a : [a]));
    case 'lookup': {
      const m = plain(args[0] ?? null);
      if (isRecord(m) && s(1) in m) return m[s(1)] as Value;
      if (args.length > 2) return args[2] as Value;
      throw new HclEvalError(`lookup(): no key "${s(1)}"`);
    }
    case 'coalesce':
      return args.find((a) => a !== null && a !== '') ?? null;
    case 'tostring':
      return s(0);
    case 'tonumber':
      return Number(args[0]);
    case 'jsonencode':
      return JSON.stringify(plain(args[0] ?? null));
    default:
      return UNKNOWN;
  }
}
