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

describe('Terraform functions (developer.hashicorp.com/terraform/language/functions)', () => {
  const reported: string[] = [];
  const s: Scope = { ...scope, report: (m) => reported.push(m) };
  it.each([
    ['${element(["a", "b", "c"], 4)}', 'b'],
    ['${split(",", "a,b")}', ['a', 'b']],
    ['${join("-", ["a", "b"], ["c"])}', 'a-b-c'],
    ['${trimspace("  x \\n")}', 'x'],
    ['${length({a = 1, b = 2})}', 2],
    ['${length("héllo")}', 5],
    ['${lookup({a = 1}, "b", 7)}', 7],
    ['${merge({a = 1, b = 1}, {b = 2})}', { a: 1, b: 2 }],
    ['${concat(["a"], ["b", "c"])}', ['a', 'b', 'c']],
    ['${format("%s-%03d-%v", "x", 7, true)}', 'x-007-true'],
    ['${replace("a-b-c", "-", "_")}', 'a_b_c'],
    ['${replace("us-east-1", "/-[0-9]+$/", "")}', 'us-east'],
    ['${regex("^([a-z]+)-([a-z]+)", "eu-west-2")}', ['eu', 'west']],
    ['${regex("(?P<env>[a-z]+)/", "prod/x")}', { env: 'prod' }],
    ['${regex("[0-9]+", "ab12")}', '12'],
    ['${lower("AbC")}${upper("d")}', 'abcD'],
    ['${basename("/a/b/c.hcl")}:${dirname("/a/b/c.hcl")}', 'c.hcl:/a/b'],
    ['${yamldecode("a: [1, 2]\\nb: {c: x}")}', { a: [1, 2], b: { c: 'x' } }],
    ['${jsondecode("{\\"a\\": [true, null]}")}', { a: [true, null] }],
    ['${try(jsondecode("{"), "bad")}', 'bad'],
    ['${can(regex("x", "y"))}', false],
    ['${coalesce("", "b")}', 'b'],
    ['${[for x in ["a", "b"] : upper(x) if x != "b"]}', ['A']],
    ['${{for k, v in {a = 1, b = 2} : v => k}}', { '1': 'a', '2': 'b' }],
    ['${{for x in ["a", "b", "a"] : x => 1...}}', { a: [1, 1], b: [1] }],
    ['${distinct(flatten([["a"], ["a", "b"]]))}', ['a', 'b']],
    ['${contains(keys({x = 1}), "x") && startswith("abc", "a")}', true],
    ['${substr("hello", 1, 3)}${title("x")}', 'ellX'],
  ])('%s', (expr, want) => {
    expect(evalJson(expr, s)).toEqual(want);
  });
  it('a Terraform function infra-ci does not compute but that reads nothing is unknown, silently', () => {
    reported.length = 0;
    expect(evalJson('${sha256("x")}', s)).toBe(UNKNOWN);
    expect(reported).toEqual([]);
  });
  it('an unsupported function is unknown and reported', () => {
    reported.length = 0;
    expect(evalJson('${frobnicate("x")}', s)).toBe(UNKNOWN);
    expect(reported).toEqual(['function frobnicate() is not supported by infra-ci']);
  });
});
