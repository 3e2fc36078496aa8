/**
 * Reports an event at most once per `intervalMs`: the first occurrence at once, later ones counted
 * and reported with the next occurrence after the interval (`count` includes the suppressed ones).
 * Pure over the injected clock.
 */
export function rateLimited<T>(
  intervalMs: number,
  report: (count: number, latest: T) => void,
  now: () => number = Date.now,
): (event: T) => void {
  let last = Number.NEGATIVE_INFINITY;
  let pending = 0;
  return (event) => {
    pending++;
    const at = now();
    if (at - last < intervalMs) return;
    last = at;
    const count = pending;
    pending = 0;
    report(count, event);
  };
}

/**
 * A token bucket that lets callers wait their turn: `perSecond` events a second on average, bursts
 * of up to `burst`. Each call takes a token and returns how long (ms) to wait before using it — 0
 * while tokens are left, later ones queue behind those already reserved — or `undefined`, taking
 * nothing, when that wait would pass `maxWaitMs`. Pure over the injected clock (ms).
 */
export function tokenBucket(
  perSecond: number,
  burst: number,
  maxWaitMs: number,
  now: () => number = Date.now,
): () => number | undefined {
  let tokens = burst;
  let last = now();
  return () => {
    const at = now();
    tokens = Math.min(burst, tokens + (Math.max(0, at - last) * perSecond) / 1000);
    last = at;
    const waitMs = tokens >= 1 ? 0 : ((1 - tokens) * 1000) / perSecond;
    if (waitMs > maxWaitMs) return undefined;
    tokens -= 1;
    return waitMs;
  };
}
