// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HCL `${...}` templates are the test data.
import { describe, expect, it } from 'vitest';
import { evalJson, type Scope } from '../src/hcl/eval.js';
import { UNKNOWN, type Value } from '../src/hcl/value.js';

const scope: Scope = {
  variable: (name) =>
    name === 'local'
      ? { region: 'eu-west-2', n: 2, m: { a: 'x' } }
      : name === 'dependency'
        ? UNKNOWN
        : undefined,
  call: (name, args): Value | undefined =>
    name === 'twice' ? `${String(args[0])}${String(args[0])}` : undefined,
};

describe('evalJson (hcl2json strings with ${...})', () => {
  it('interpolates templates and keeps single expressions typed', () => {
    expect(evalJson('${local.region}/x', scope)).toBe('eu-west-2/x');
    expect(evalJson('${local.n}', scope)).toBe(2);
    expect(evalJson('${local.m["a"]}', scope)).toBe('x');
  });
  it('calls functions with nested quoted strings and braces', () => {
    expect(evalJson('${twice("a}b")}-${format("%s-%s", "p", local.region)}', scope)).toBe(
      'a}ba}b-p-eu-west-2',
    );
  });
  it('treats $${ as a literal and unknown values as unknown', () => {
    expect(evalJson('$${var.x}', scope)).toBe('${var.x}');
    expect(evalJson('${dependency.vpc.outputs.id}', scope)).toBe(UNKNOWN);
    expect(evalJson('${try(local.nope, "fallback")}', scope)).toBe('fallback');
  });
  it('evaluates conditionals and objects', () => {
    expect(evalJson('${local.n > 1 ? "big" : "small"}', scope)).toBe('big');
    expect(evalJson('${merge({a = 1}, {b = local.n})}', scope)).toEqual({ a: 1, b: 2 });
  });
  it('fails on an unknown variable', () => {
    expect(() => evalJson('${nope.x}', scope)).toThrow(/unknown variable "nope"/);
  });
});
