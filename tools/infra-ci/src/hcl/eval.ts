import { HclEvalError } from './errors.js';
import { type Expr, parseTemplate } from './expr.js';
import { plain, terraformFunction } from './functions.js';
import { isRecord, LazyObject, UNKNOWN, type Value } from './value.js';

export { HclEvalError } from './errors.js';

/** Evaluation scope: root variables (`local`, `include`, `dependency`...) and functions. */
export interface Scope {
  /** Value of a root variable, or undefined when the name is not defined here. */
  variable(name: string): Value | undefined;
  /** Call a function with evaluated arguments; undefined when the function is not modelled. */
  call(name: string, args: Value[]): Value | undefined;
  /**
   * Told when evaluation meets something that may read files infra-ci cannot name: a function it
   * does not support, a template directive calling functions. The unit is then treated as changed.
   */
  report?(message: string): void;
}

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
      // A template directive (`%{ if }`/`%{ for }`): harmless unless it calls a function.
      if (/[A-Za-z_][\w:]*\s*\(/.test(e.source)) {
        scope.report?.(`template directive "%{${e.source.trim()}}" is not evaluated`);
      }
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
      const r = scope.call(e.name, args) ?? terraformFunction(e.name, args);
      if (r !== undefined) return r;
      scope.report?.(`function ${e.name}() is not supported by infra-ci`);
      return UNKNOWN;
    }
    case 'for':
      return evalFor(e, scope);
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
      if (t === UNKNOWN) {
        // Either branch may run: evaluate both so that the files each reads are recorded.
        for (const branch of [e.ifTrue, e.ifFalse]) {
          try {
            evalExpr(branch, scope);
          } catch (err) {
            if (!(err instanceof HclEvalError)) throw err;
          }
        }
        return UNKNOWN;
      }
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

/** Terraform `for` expressions over a known collection (unknown collection: unknown). */
function evalFor(e: Extract<Expr, { kind: 'for' }>, scope: Scope): Value {
  const coll = plain(evalExpr(e.coll, scope));
  if (coll === UNKNOWN) {
    // Unknown elements: still evaluate the body once so its reads are recorded.
    const inner = withVars(scope, {
      [e.valVar]: UNKNOWN,
      ...(e.keyVar ? { [e.keyVar]: UNKNOWN } : {}),
    });
    for (const x of [e.cond, e.key, e.value]) {
      try {
        if (x) evalExpr(x, inner);
      } catch (err) {
        if (!(err instanceof HclEvalError)) throw err;
      }
    }
    return UNKNOWN;
  }
  let pairs: [Value, Value][];
  if (Array.isArray(coll)) pairs = coll.map((v, i) => [i, v]);
  else if (isRecord(coll))
    pairs = Object.keys(coll)
      .sort()
      .map((k) => [k, coll[k] as Value]);
  else throw new HclEvalError('for: expected a list or an object to iterate over');
  const list: Value[] = [];
  const obj: { [k: string]: Value } = {};
  for (const [k, v] of pairs) {
    const inner = withVars(scope, { [e.valVar]: v, ...(e.keyVar ? { [e.keyVar]: k } : {}) });
    if (e.cond) {
      const c = evalExpr(e.cond, inner);
      if (c === UNKNOWN) return UNKNOWN;
      if (c !== true) continue;
    }
    const value = evalExpr(e.value, inner);
    if (e.key === undefined) {
      list.push(value);
      continue;
    }
    const key = evalExpr(e.key, inner);
    if (key === UNKNOWN) return UNKNOWN;
    const ks = String(key);
    if (e.group) obj[ks] = [...((obj[ks] as Value[] | undefined) ?? []), value];
    else if (ks in obj) throw new HclEvalError(`for: duplicate key "${ks}" (use ... to group)`);
    else obj[ks] = value;
  }
  return e.key === undefined ? list : obj;
}

function withVars(scope: Scope, vars: Record<string, Value>): Scope {
  return {
    variable: (name) => (name in vars ? vars[name] : scope.variable(name)),
    call: (name, args) => scope.call(name, args),
    report: (m) => scope.report?.(m),
  };
}
