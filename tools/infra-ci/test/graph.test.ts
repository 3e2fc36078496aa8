import { describe, expect, it } from 'vitest';
import { applyWaves, destroyWaves, findCycle, reachable, reverse } from '../src/graph/dag.js';

const deps = {
  vpc: [],
  eks: ['vpc'],
  k8s: ['eks', 'vpc'],
  ga: ['k8s'],
  ecr: [],
};

describe('applyWaves', () => {
  it('puts dependencies first and independent units together', () => {
    expect(applyWaves(deps, ['vpc', 'eks', 'k8s', 'ga', 'ecr'])).toEqual([
      ['ecr', 'vpc'],
      ['eks'],
      ['k8s'],
      ['ga'],
    ]);
  });

  it('orders through units that are not selected', () => {
    // vpc and k8s selected; eks (between them) not: k8s still waits for vpc.
    expect(applyWaves(deps, ['k8s', 'vpc'])).toEqual([['vpc'], ['k8s']]);
    // ga and ecr unrelated: one wave.
    expect(applyWaves(deps, ['ga', 'ecr'])).toEqual([['ecr', 'ga']]);
  });

  it('returns no waves for no units', () => {
    expect(applyWaves(deps, [])).toEqual([]);
  });
});

describe('destroyWaves', () => {
  it('destroys dependents before their dependencies', () => {
    expect(destroyWaves(deps, ['vpc', 'eks', 'ga'])).toEqual([['ga'], ['eks'], ['vpc']]);
  });
});

describe('findCycle', () => {
  it('finds none in a DAG', () => {
    expect(findCycle(deps)).toBeUndefined();
  });
  it('names the units of a cycle in order', () => {
    expect(findCycle({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
  });
  it('finds a self-dependency', () => {
    expect(findCycle({ a: ['a'] })).toEqual(['a', 'a']);
  });
});

describe('reachable/reverse', () => {
  it('finds transitive dependents', () => {
    expect([...reachable(reverse(deps), ['vpc'])].sort()).toEqual(['eks', 'ga', 'k8s']);
  });
});
