const DURATION = /^(\d{1,9})(ms|s)?$/;

/**
 * Parses a `/delay/:duration` segment: `250ms`, `1s`, or bare milliseconds (`250`).
 * Returns milliseconds, or `undefined` when the text is not a duration or exceeds `maxMs`.
 */
export function parseDuration(text: string, maxMs: number): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const ms = match[2] === 's' ? amount * 1000 : amount;
  return ms <= maxMs ? ms : undefined;
}
