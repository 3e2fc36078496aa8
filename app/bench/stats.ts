/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/**
 * Order in which `count` servers run in round `round` (0-based): rotated every round and
 * reversed every other round (ABBA for two), so a slow drift of the machine's load favours none.
 */
export function roundOrder(count: number, round: number): number[] {
  const order = Array.from({ length: count }, (_, i) => (i + round) % count);
  return Math.floor(round / count) % 2 === 1 ? order.reverse() : order;
}

/** Parses a positive integer setting such as BENCH_ROUNDS; throws naming the variable. */
export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new Error(`invalid ${name}=${JSON.stringify(value)}: expected a positive integer`);
  }
  return Number(value);
}

/** The value at quantile `q` (0–1) of `values`, nearest rank; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
  );
}
