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
 * A token bucket: allows `perSecond` events a second on average and bursts of up to `burst`;
 * returns whether this event is allowed. Pure over the injected clock (ms).
 */
export function tokenBucket(
  perSecond: number,
  burst: number,
  now: () => number = Date.now,
): () => boolean {
  let tokens = burst;
  let last = now();
  return () => {
    const at = now();
    tokens = Math.min(burst, tokens + (Math.max(0, at - last) * perSecond) / 1000);
    last = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
