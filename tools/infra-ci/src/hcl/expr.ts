/**
 * A small parser for the HCL expression language as it appears inside `${...}` in the JSON that
 * hcl2json produces. It covers what Terragrunt configs use (literals, templates, traversals,
 * function calls, tuples, objects, operators, conditionals, `for` expressions); template
 * directives (`%{ if }`, `%{ for }`) parse to an opaque node that evaluates to "unknown".
 */

export type Expr =
  | { kind: 'lit'; value: string | number | boolean | null }
  | { kind: 'template'; parts: Expr[] }
  | { kind: 'var'; name: string }
  | { kind: 'attr'; target: Expr; name: string }
  | { kind: 'index'; target: Expr; key: Expr }
  | { kind: 'splat'; target: Expr }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'tuple'; items: Expr[] }
  | { kind: 'object'; entries: { key: Expr; value: Expr }[] }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'cond'; test: Expr; ifTrue: Expr; ifFalse: Expr }
  | {
      kind: 'for';
      keyVar: string | undefined;
      valVar: string;
      coll: Expr;
      /** Object form only: the key expression. */
      key: Expr | undefined;
      value: Expr;
      cond: Expr | undefined;
      /** Object form with `...`: values grouped by key. */
      group: boolean;
    }
  | { kind: 'opaque'; source: string };

export class ExprSyntaxError extends Error {}

/** Parse a JSON string produced by hcl2json: plain text with `${...}` interpolations. */
export function parseTemplate(text: string): Expr {
  const parts: Expr[] = [];
  let hasDirective = false;
  const code: string[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      lit += text.slice(i + 1, i + 3);
      i += 3;
    } else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      const end = matchBrace(text, i + 1);
      if (lit !== '') parts.push({ kind: 'lit', value: lit });
      lit = '';
      const inner = text.slice(i + 2, end);
      if (text[i] === '%') hasDirective = true;
      code.push(inner);
      parts.push(text[i] === '$' ? parseExpression(inner) : { kind: 'opaque', source: inner });
      i = end + 1;
    } else {
      lit += text[i];
      i += 1;
    }
  }
  if (lit !== '' || parts.length === 0) parts.push({ kind: 'lit', value: lit });
  // A template with a directive is kept whole as opaque: its interpolations may use the
  // directive's variables (`%{ for x in … }${x}%{ endfor }`). Its source is the code only.
  if (hasDirective) return { kind: 'opaque', source: code.join(' ') };
  if (parts.length === 1 && parts[0]) return parts[0];
  return { kind: 'template', parts };
}

/** Index of the `}` matching the `{` at `open`, skipping quoted strings. */
function matchBrace(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (c === '{') depth += 1;
    else if (c === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
    i += 1;
  }
  throw new ExprSyntaxError(`unterminated interpolation in ${JSON.stringify(text)}`);
}

/** Index just after the closing quote of the string starting at `start`. */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '$' && text[i + 1] === '{') i = matchBrace(text, i + 1) + 1;
    else if (c === '"') return i + 1;
    else i += 1;
  }
  throw new ExprSyntaxError(`unterminated string in ${JSON.stringify(text)}`);
}

type Tok = { t: 'num' | 'str' | 'id' | 'op'; v: string; pos: number };

const OPS = ['==', '!=', '>=', '<=', '&&', '||', '=>', '...', '[*]', '.*'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '#' || src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i += 1;
    } else if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? src.length : e + 2;
    } else if (c === '"') {
      const e = skipString(src, i);
      out.push({ t: 'str', v: src.slice(i + 1, e - 1), pos: i });
      i = e;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
      const v = m?.[0] ?? c;
      out.push({ t: 'num', v, pos: i });
      i += v.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*(::[A-Za-z_][A-Za-z0-9_-]*)*/.exec(src.slice(i));
      const v = m?.[0] ?? c;
      out.push({ t: 'id', v, pos: i });
      i += v.length;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i)) ?? c;
      out.push({ t: 'op', v: op, pos: i });
      i += op.length;
    }
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

function unescapeHcl(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) =>
    e.length === 5 ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

const BINARY: [number, string[]][] = [
  [1, ['||']],
  [2, ['&&']],
  [3, ['==', '!=']],
  [4, ['<', '>', '<=', '>=']],
  [5, ['+', '-']],
  [6, ['*', '/', '%']],
];

/** Parse one HCL expression (the text between `${` and `}`). */
export function parseExpression(src: string): Expr {
  return new ExprParser(src).parse();
}

/** Recursive descent over the tokens of one expression. */
class ExprParser {
  private readonly toks: Tok[];
  private p = 0;
  constructor(private readonly src: string) {
    this.toks = tokenize(src);
  }

  parse(): Expr {
    const e = this.expr();
    if (this.p < this.toks.length) {
      throw new ExprSyntaxError(
        `unexpected "${this.toks[this.p]?.v}" in ${JSON.stringify(this.src)}`,
      );
    }
    return e;
  }

  private peek(): Tok | undefined {
    return this.toks[this.p];
  }

  private isOp(v: string): boolean {
    return this.peek()?.t === 'op' && this.peek()?.v === v;
  }

  private expect(v: string): void {
    if (!this.isOp(v)) {
      throw new ExprSyntaxError(
        `expected "${v}" at offset ${this.peek()?.pos ?? this.src.length} in ${this.src}`,
      );
    }
    this.p += 1;
  }

  private ident(): string {
    const t = this.peek();
    if (t?.t !== 'id') throw new ExprSyntaxError(`expected a name in ${this.src}`);
    this.p += 1;
    return t.v;
  }

  /** `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`. */
  private forExpr(close: ']' | '}'): Expr {
    this.p += 1; // "for"
    let keyVar: string | undefined;
    let valVar = this.ident();
    if (this.isOp(',')) {
      this.p += 1;
      keyVar = valVar;
      valVar = this.ident();
    }
    if (this.ident() !== 'in') throw new ExprSyntaxError(`expected "in" in ${this.src}`);
    const coll = this.expr();
    this.expect(':');
    let key: Expr | undefined;
    let value = this.expr();
    let group = false;
    if (close === '}') {
      this.expect('=>');
      key = value;
      value = this.expr();
      if (this.isOp('...')) {
        this.p += 1;
        group = true;
      }
    }
    let cond: Expr | undefined;
    if (this.peek()?.t === 'id' && this.peek()?.v === 'if') {
      this.p += 1;
      cond = this.expr();
    }
    this.expect(close);
    return { kind: 'for', keyVar, valVar, coll, key, value, cond, group };
  }

  private expr(): Expr {
    const test = this.binary(1);
    if (this.isOp('?')) {
      this.p += 1;
      const a = this.expr();
      this.expect(':');
      const b = this.expr();
      return { kind: 'cond', test, ifTrue: a, ifFalse: b };
    }
    return test;
  }

  private binary(level: number): Expr {
    if (level > BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    const ops = BINARY[level - 1]?.[1] ?? [];
    while (this.peek()?.t === 'op' && ops.includes(this.peek()?.v ?? '')) {
      const op = this.peek()?.v ?? '';
      this.p += 1;
      left = { kind: 'binary', op, left, right: this.binary(level + 1) };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('!') || this.isOp('-')) {
      const op = this.peek()?.v === '!' ? '!' : '-';
      this.p += 1;
      return { kind: 'unary', op, operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.isOp('.')) {
        this.p += 1;
        const t = this.peek();
        if (!t || (t.t !== 'id' && t.t !== 'num'))
          throw new ExprSyntaxError(`bad attribute in ${this.src}`);
        this.p += 1;
        e = { kind: 'attr', target: e, name: t.v };
      } else if (this.isOp('.*') || this.isOp('[*]')) {
        this.p += 1;
        e = { kind: 'splat', target: e };
      } else if (this.isOp('[')) {
        this.p += 1;
        const key = this.expr();
        this.expect(']');
        e = { kind: 'index', target: e, key };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.peek();
    if (!t)
      throw new ExprSyntaxError(`unexpected end of expression in ${JSON.stringify(this.src)}`);
    this.p += 1;
    if (t.t === 'num') return { kind: 'lit', value: Number(t.v) };
    if (t.t === 'str') {
      const inner = parseTemplate(t.v);
      return unescapeLits(inner);
    }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return { kind: 'lit', value: t.v === 'true' };
      if (t.v === 'null') return { kind: 'lit', value: null };
      if (this.isOp('(')) return this.call(t.v);
      return { kind: 'var', name: t.v };
    }
    if (t.v === '(') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.v === '[') {
      if (this.peek()?.t === 'id' && this.peek()?.v === 'for') return this.forExpr(']');
      return this.tuple();
    }
    if (t.v === '{') {
      if (this.peek()?.t === 'id' && this.peek()?.v === 'for') return this.forExpr('}');
      return this.object();
    }
    throw new ExprSyntaxError(
      `unexpected "${t.v}" at offset ${t.pos} in ${JSON.stringify(this.src)}`,
    );
  }

  /** A call's arguments, after its name and "(". */
  private call(name: string): Expr {
    this.p += 1;
    const args: Expr[] = [];
    while (!this.isOp(')')) {
      args.push(this.expr());
      if (this.isOp('...')) this.p += 1;
      if (this.isOp(',')) this.p += 1;
      else if (!this.isOp(')')) throw new ExprSyntaxError(`expected "," or ")" in ${this.src}`);
    }
    this.p += 1;
    return { kind: 'call', name, args };
  }

  /** A tuple's items, after "[". */
  private tuple(): Expr {
    const items: Expr[] = [];
    while (!this.isOp(']')) {
      items.push(this.expr());
      if (this.isOp(',')) this.p += 1;
      else if (!this.isOp(']')) throw new ExprSyntaxError(`expected "," or "]" in ${this.src}`);
    }
    this.p += 1;
    return { kind: 'tuple', items };
  }

  /** An object's entries, after "{". */
  private object(): Expr {
    const entries: { key: Expr; value: Expr }[] = [];
    while (!this.isOp('}')) {
      const k = this.peek();
      let key: Expr;
      if (k?.t === 'id' && (this.toks[this.p + 1]?.v === '=' || this.toks[this.p + 1]?.v === ':')) {
        this.p += 1;
        key = { kind: 'lit', value: k.v };
      } else {
        key = this.expr();
      }
      if (this.isOp('=') || this.isOp(':')) this.p += 1;
      else throw new ExprSyntaxError(`expected "=" in object in ${this.src}`);
      entries.push({ key, value: this.expr() });
      if (this.isOp(',')) this.p += 1;
    }
    this.p += 1;
    return { kind: 'object', entries };
  }
}

function unescapeLits(e: Expr): Expr {
  if (e.kind === 'lit' && typeof e.value === 'string')
    return { kind: 'lit', value: unescapeHcl(e.value) };
  if (e.kind === 'template') return { kind: 'template', parts: e.parts.map(unescapeLits) };
  return e;
}
