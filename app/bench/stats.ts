/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/**
 * Which server runs first in round `round` (0-based): ABBA order (service, bare, bare, service,
 * ...), so a slow drift of the machine's load does not favour either side.
 */
export function serviceFirst(round: number): boolean {
  return round % 4 === 0 || round % 4 === 3;
}

/** Parses a positive integer setting such as BENCH_ROUNDS; throws naming the variable. */
export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new Error(`invalid ${name}=${JSON.stringify(value)}: expected a positive integer`);
  }
  return Number(value);
}
