/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: Flux ${VAR} references are the test data. */
import { describe, expect, it } from 'vitest';
import { locateLiterals, locateReferences, substitute } from '../src/substitute.js';

describe('substitute (Flux postBuild semantics)', () => {
  it('replaces ${VAR} with its value', () => {
    expect(substitute('region: ${AWS_REGION}', { AWS_REGION: 'eu-west-2' })).toEqual({
      text: 'region: eu-west-2',
      unresolved: [],
      unsupported: [],
    });
  });

  it('reports a variable without value or default, once, and leaves it in place', () => {
    const r = substitute('a: ${X}\nb: ${X}\nc: ${Y}', {});
    expect(r.unresolved).toEqual(['X', 'Y']);
    expect(r.text).toBe('a: ${X}\nb: ${X}\nc: ${Y}');
  });

  it('uses := and :- defaults when the variable is unset or empty, = and - only when unset', () => {
    expect(substitute('${A:=1} ${B:-2}', { B: '' }).text).toBe('1 2');
    expect(substitute('${A=1} ${B-2}', { B: '' }).text).toBe('1 ');
    expect(substitute('${A:=1}', { A: '5' }).text).toBe('5');
  });

  it('turns $${VAR} into a literal ${VAR} without resolving it', () => {
    const r = substitute('cmd: echo $${HOME}', {});
    expect(r).toEqual({ text: 'cmd: echo ${HOME}', unresolved: [], unsupported: [] });
  });

  it('flags expressions it does not implement rather than guessing', () => {
    expect(substitute('${A/b/c}', { A: 'abc' }).unsupported).toEqual(['${A/b/c}']);
  });

  it('leaves Flagger template variables {{ target }} alone', () => {
    expect(substitute('pod=~"{{ target }}-[0-9]+"', {}).text).toBe('pod=~"{{ target }}-[0-9]+"');
  });

  it('locates unresolved references by field path', () => {
    const obj = { spec: { minReplicas: '${MIN}', list: [{ value: 'x' }, { value: '${B}' }] } };
    expect(locateReferences(obj, { MIN: '1' })).toEqual([
      { field: 'spec.list[1].value', unresolved: ['B'], unsupported: [] },
    ]);
  });
});

describe('locateLiterals', () => {
  it('finds ${...} (any form) and $${...} escapes by field', () => {
    expect(
      locateLiterals({ a: 'x ${A} ${B:=1}', b: ['$${C}', 'ok'], c: { d: '${D}' }, n: 3 }),
    ).toEqual([
      { field: 'a', expressions: ['${A}', '${B:=1}'], escaped: [] },
      { field: 'b[0]', expressions: [], escaped: ['$${C}'] },
      { field: 'c.d', expressions: ['${D}'], escaped: [] },
    ]);
  });
});
