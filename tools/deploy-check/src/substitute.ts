/**
 * Flux postBuild variable substitution (what kustomize-controller does after `kustomize build`):
 * `${VAR}`, `${VAR:=default}` / `${VAR:-default}` (default when unset or empty), `${VAR=default}` /
 * `${VAR-default}` (default when unset), and `$${VAR}` as an escape for a literal `${VAR}`.
 * Unlike Flux's default (unset → empty string), an unresolved variable is reported: that is what
 * Flux's StrictPostBuildSubstitutions feature gate does, and it is almost always a bug.
 */

const REFERENCE = /\$(\$?)\{([^{}]*)\}/g;
const EXPRESSION = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([\s\S]*))?$/;

export interface SubstitutionResult {
  readonly text: string;
  /** Variables referenced without a value or default, in order of first appearance. */
  readonly unresolved: readonly string[];
  /** `${...}` expressions this implementation does not understand (e.g. `${a/b/c}`). */
  readonly unsupported: readonly string[];
}

/** Substitutes `vars` into `text`. Pure. */
export function substitute(
  text: string,
  vars: Readonly<Record<string, string>>,
): SubstitutionResult {
  const unresolved: string[] = [];
  const unsupported: string[] = [];
  const out = text.replace(REFERENCE, (whole, dollar: string, inner: string) => {
    if (dollar === '$') return whole.slice(1);
    const m = EXPRESSION.exec(inner);
    if (m === null) {
      if (!unsupported.includes(whole)) unsupported.push(whole);
      return whole;
    }
    const [, name = '', op, fallback = ''] = m;
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (op === undefined) {
      if (value !== undefined) return value;
      if (!unresolved.includes(name)) unresolved.push(name);
      return whole;
    }
    const useDefault = op.startsWith(':')
      ? value === undefined || value === ''
      : value === undefined;
    return useDefault ? fallback : (value ?? fallback);
  });
  return { text: out, unresolved, unsupported };
}

/**
 * Where in a parsed object unresolved or unsupported references sit, as dotted field paths, so a
 * finding can name the field (`spec.minReplicas`) rather than only the variable.
 */
export function locateReferences(
  value: unknown,
  vars: Readonly<Record<string, string>>,
  path = '',
): { field: string; unresolved: readonly string[]; unsupported: readonly string[] }[] {
  if (typeof value === 'string') {
    const r = substitute(value, vars);
    return r.unresolved.length + r.unsupported.length > 0
      ? [{ field: path, unresolved: r.unresolved, unsupported: r.unsupported }]
      : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => locateReferences(v, vars, `${path}[${i}]`));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) =>
      locateReferences(v, vars, path === '' ? k : `${path}.${k}`),
    );
  }
  return [];
}

/**
 * Every `${...}` in the strings of a parsed object, by dotted field path: what reaches the cluster
 * literally when no substitution runs (a Flux Kustomization without `postBuild`, or the cluster
 * folder itself, applied by the bootstrap Kustomization). `expressions` are the unescaped ones;
 * `escaped` the `$${X}` escapes, which only substitution turns into `${X}`: without it they reach
 * the cluster with both dollars. Pure.
 */
export function locateLiterals(
  value: unknown,
  path = '',
): { field: string; expressions: readonly string[]; escaped: readonly string[] }[] {
  if (typeof value === 'string') {
    const all = [...value.matchAll(REFERENCE)];
    const expressions = all.filter((m) => m[1] === '').map((m) => m[0]);
    const escaped = all.filter((m) => m[1] === '$').map((m) => m[0]);
    return all.length > 0 ? [{ field: path, expressions, escaped }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => locateLiterals(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) =>
      locateLiterals(v, path === '' ? k : `${path}.${k}`),
    );
  }
  return [];
}

/** The message for what locateLiterals found in one field; `why` says why nothing substitutes. */
export function literalMessage(
  loc: { expressions: readonly string[]; escaped: readonly string[] },
  why: string,
): string {
  const parts: string[] = [];
  if (loc.expressions.length > 0) {
    parts.push(`${loc.expressions.join(', ')} would reach the cluster as literal text`);
  }
  if (loc.escaped.length > 0) {
    const unescaped = loc.escaped.map((e) => e.slice(1)).join(', ');
    parts.push(
      `${loc.escaped.join(', ')} would reach the cluster with both dollars, not as ${unescaped} (only postBuild substitution unescapes $\${...})`,
    );
  }
  return `${parts.join('; ')}: ${why}`;
}
