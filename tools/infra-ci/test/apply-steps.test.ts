import { describe, expect, it } from 'vitest';
import { haltOf, outcomeOf, phasesOf, settleRow } from '../src/orchestrate/apply-steps.js';
import type { WorkList } from '../src/orchestrate/worklist.js';
import type { ApplyRow } from '../src/plan/summary.js';

const none = { apply: new Map<string, string>(), destroy: new Map<string, string>() };
const work = (destroyWaves: string[][], moved: { from: string; to: string }[]): WorkList => ({
  applyWaves: [['a'], ['b']],
  destroyWaves,
  moved,
  upstreamChanged: {},
  notPlanned: none,
  byHand: none,
});
const changes = (address: string) => ({
  add: 1,
  change: 0,
  destroy: 0,
  resources: [{ address, actions: ['create'] }],
});
const row: ApplyRow = {
  step: 'apply',
  wave: 1,
  unit: 'a',
  action: 'apply',
  planSha256: 'x',
  result: 'not started',
};

describe('apply decisions', () => {
  it('destroys first every destroy wave up to the last one holding a moved unit', () => {
    const phases = phasesOf(work([['d1'], ['old'], ['d3']], [{ from: 'old', to: 'new' }]));
    expect(phases).toEqual([
      { step: 'moved', waves: [['d1'], ['old']] },
      { step: 'apply', waves: [['a'], ['b']] },
      { step: 'destroy', waves: [['d3']] },
    ]);
    expect(phasesOf(work([['d1']], []))[0]).toEqual({ step: 'moved', waves: [] });
  });

  it('a failure halts before a unit that differs from review, and names every failure', () => {
    const differs = { kind: 'differs' as const, fresh: changes('r.new'), reviewed: changes('r') };
    expect(
      haltOf([
        { item: 'a', status: 'ok', value: differs },
        { item: 'b', status: 'failed', error: new Error('boom') },
      ]),
    ).toEqual({ kind: 'failed', errors: ['boom'] });
    expect(haltOf([{ item: 'a', status: 'ok', value: differs }])).toEqual({
      kind: 'review',
      differs: [{ unit: 'a', fresh: differs.fresh, reviewed: differs.reviewed, when: 'upstream' }],
    });
    // Before any apply, every differing unit is listed, not only the first.
    expect(
      haltOf(
        [
          { item: 'a', status: 'ok', value: differs },
          { item: 'b', status: 'ok', value: { kind: 'applied' } },
          { item: 'c', status: 'ok', value: differs },
        ],
        'merge',
      ),
    ).toMatchObject({ kind: 'review', differs: [{ unit: 'a' }, { unit: 'c' }] });
    expect(haltOf([{ item: 'a', status: 'ok', value: { kind: 'applied' } }])).toBeUndefined();
  });

  it('settles a row from its named outcome', () => {
    expect(settleRow(row, { item: 'a', status: 'ok', value: { kind: 'applied' } }, 'f')).toEqual({
      ...row,
      result: 'applied',
      freshSha256: 'f',
    });
    expect(
      settleRow(row, { item: 'a', status: 'ok', value: { kind: 'excluded', by: 'c' } }, undefined),
    ).toEqual({ ...row, result: 'excluded', excludedBy: 'c' });
    expect(settleRow(row, { item: 'a', status: 'failed', error: 'x' }, undefined)).toEqual({
      ...row,
      result: 'failed',
      error: 'x',
    });
    expect(settleRow(row, { item: 'a', status: 'not started' }, undefined)).toEqual(row);
  });

  it('reports the outcome of a halt', () => {
    expect(outcomeOf(undefined, '')).toEqual({ kind: 'applied' });
    expect(outcomeOf({ kind: 'failed', errors: ['e1', 'e2'] }, '')).toEqual({
      kind: 'failed',
      message: '2 unit(s) failed; later waves were not started:\ne1\ne2',
    });
    const review = outcomeOf(
      {
        kind: 'review',
        differs: [{ unit: 'a', fresh: changes('n'), reviewed: changes('r'), when: 'upstream' }],
      },
      ' Posted.',
    );
    expect(review).toMatchObject({ kind: 'review', unit: 'a' });
    expect(review.kind === 'review' && review.message.endsWith('Posted.')).toBe(true);
    expect(review.kind === 'review' && review.message).toContain('no later wave');
    const before = outcomeOf(
      {
        kind: 'review',
        differs: ['a', 'b'].map((unit) => ({
          unit,
          fresh: changes('n'),
          reviewed: changes('r'),
          when: 'merge' as const,
        })),
      },
      '',
    );
    expect(before.kind === 'review' && before.message).toContain(
      'a, b differ from the reviewed plan: nothing was applied',
    );
  });
});
