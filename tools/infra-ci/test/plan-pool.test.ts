import { describe, expect, it } from 'vitest';
import { runBounded } from '../src/orchestrate/pool.js';

/** A task per item that finishes when the test says so, recording how many run at once. */
function gate() {
  const release = new Map<string, (fail: boolean) => void>();
  const started: string[] = [];
  let running = 0;
  let max = 0;
  const fn = (item: string) =>
    new Promise<string>((resolve, reject) => {
      started.push(item);
      running += 1;
      max = Math.max(max, running);
      release.set(item, (fail) => {
        running -= 1;
        if (fail) reject(new Error(`${item} broke`));
        else resolve(item.toUpperCase());
      });
    });
  const tick = () => new Promise((r) => setImmediate(r));
  return { fn, started, release, tick, max: () => max };
}

describe('runBounded', () => {
  it('runs at most `limit` at a time, in order, and returns outcomes in item order', async () => {
    const g = gate();
    const done = runBounded(['a', 'b', 'c', 'd'], 2, g.fn);
    await g.tick();
    expect(g.started).toEqual(['a', 'b']);
    g.release.get('b')?.(false);
    await g.tick();
    expect(g.started).toEqual(['a', 'b', 'c']);
    g.release.get('a')?.(false);
    await g.tick();
    g.release.get('c')?.(false);
    g.release.get('d')?.(false);
    expect((await done).map((o) => o.status === 'ok' && o.value)).toEqual(['A', 'B', 'C', 'D']);
    expect(g.max()).toBe(2);
  });

  it('after a failure starts nothing more but lets the running ones finish', async () => {
    const g = gate();
    const done = runBounded(['a', 'b', 'c'], 2, g.fn);
    await g.tick();
    g.release.get('a')?.(true);
    await g.tick();
    expect(g.started).toEqual(['a', 'b']);
    g.release.get('b')?.(false);
    const out = await done;
    expect(out.map((o) => o.status)).toEqual(['failed', 'ok', 'not started']);
    expect(out[0]?.status === 'failed' && (out[0].error as Error).message).toBe('a broke');
  });

  it('stops starting work when stopWhen says so', async () => {
    const out = await runBounded(
      [1, 2, 3],
      1,
      async (n) => n,
      (n) => n === 2,
    );
    expect(out.map((o) => o.status)).toEqual(['ok', 'ok', 'not started']);
  });
});
