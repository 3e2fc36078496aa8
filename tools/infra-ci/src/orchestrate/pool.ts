/** Bounded parallel runner used inside a wave. */

export type Outcome<T, R> =
  | { item: T; status: 'ok'; value: R }
  | { item: T; status: 'failed'; error: unknown }
  | { item: T; status: 'not started' };

/**
 * Runs `fn` over `items` with at most `limit` at a time, in order. After a failure (or a value for
 * which `stopWhen` is true) nothing more starts; the running ones finish. Never rejects: each
 * item's outcome is returned, in the order of `items`.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  stopWhen: (value: R) => boolean = () => false,
): Promise<Outcome<T, R>[]> {
  const out: Outcome<T, R>[] = items.map((item) => ({ item, status: 'not started' }));
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const i = next++;
      const item = items[i] as T;
      try {
        const value = await fn(item);
        out[i] = { item, status: 'ok', value };
        if (stopWhen(value)) stopped = true;
      } catch (error) {
        out[i] = { item, status: 'failed', error };
        stopped = true;
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}
