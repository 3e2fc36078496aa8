import { describe, expect, it } from 'vitest';
import { parseRotation, parseSlice, selectSlice, sliceOf } from '../src/drift/slice.js';

const ids = Array.from({ length: 500 }, (_, i) => `infra/environments/prod/r${i % 7}/unit-${i}`);

describe('drift slices', () => {
  it('n consecutive rotations plan every unit exactly once', () => {
    for (const n of [1, 2, 3, 7, 24]) {
      const seen = new Map<string, number>();
      for (let k = 1000; k < 1000 + n; k++) {
        for (const id of selectSlice(ids, parseRotation(`${k}/${n}`))) {
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
      expect(seen.size).toBe(ids.length);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
    }
  });

  it('--slice i/n over i = 1..n partitions the units; slices are roughly even', () => {
    const sizes = [1, 2, 3, 4].map((i) => selectSlice(ids, parseSlice(`${i}/4`)).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ids.length);
    for (const s of sizes) expect(s).toBeGreaterThan(ids.length / 4 / 2);
  });

  it('adding units never moves another unit to another slice', () => {
    const before = new Map(ids.map((id) => [id, sliceOf(id, 6)]));
    const more = [...ids, 'infra/environments/prod/new/a', 'infra/environments/prod/new/b'];
    for (const id of ids) expect(sliceOf(id, 6)).toBe(before.get(id));
    expect(selectSlice(more, { index: 2, count: 6 })).toEqual(
      expect.arrayContaining(selectSlice(ids, { index: 2, count: 6 })),
    );
  });

  it('rotation: run counter k names slice (k mod n) + 1; one slice means every unit', () => {
    expect(parseRotation('0/4')).toEqual({ index: 1, count: 4 });
    expect(parseRotation('7/4')).toEqual({ index: 4, count: 4 });
    expect(parseRotation('123456789012345678/10')).toEqual({ index: 9, count: 10 });
    expect(selectSlice(ids, parseSlice('1/1'))).toEqual(ids);
  });

  it.each([
    ['slice', '0/4'],
    ['slice', '5/4'],
    ['slice', '1/0'],
    ['slice', 'a/4'],
    ['slice', '1-4'],
    ['rotate', '-1/4'],
    ['rotate', '3/0'],
    ['rotate', '3/5000'],
  ])('--%s %s is an input error (exit 2) naming the option', (opt, text) => {
    const parse = opt === 'slice' ? parseSlice : parseRotation;
    expect(() => parse(text)).toThrow(expect.objectContaining({ code: 'input' }));
    expect(() => parse(text)).toThrow(`--${opt}`);
  });
});
