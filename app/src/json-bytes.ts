// JSON values written straight into a byte buffer as UTF-8, for the access log's hot path
// (access-log.ts). Each writer puts exactly the bytes of `Buffer.from(String(value))` or of
// `Buffer.from(JSON.stringify(text))` at `at` and returns the offset just past them; the caller
// makes room first (see the bounds below).

/** Most bytes {@link writeJsonString} writes for a string of `length` UTF-16 units. */
export const jsonStringMaxBytes = (length: number) => 6 * length + 2;
/** Most bytes {@link writeNumber} writes (`String(-Number.MIN_VALUE)` is the longest: 24). */
export const NUMBER_MAX_BYTES = 24;

/**
 * Writes `JSON.stringify(text)` as UTF-8. Printable ASCII without `"` or `\` (request ids, most
 * paths) is copied byte by byte; anything else — controls, quotes, backslashes, non-ASCII, lone
 * surrogates — goes through `JSON.stringify` itself, so escaping is never reimplemented here.
 */
export function writeJsonString(buf: Buffer, at: number, text: string): number {
  const n = text.length;
  const start = at + 1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      return at + buf.write(JSON.stringify(text), at);
    }
    buf[start + i] = c;
  }
  buf[at] = 0x22;
  buf[start + n] = 0x22;
  return start + n + 1;
}

/** Writes a whole number 0 ≤ `n` < 2^53 in decimal (what `String(n)` gives for it). */
function writeWhole(buf: Buffer, at: number, n: number): number {
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  let i = at + digits;
  let rest = n;
  do {
    const next = Math.floor(rest / 10);
    buf[--i] = 0x30 + (rest - next * 10);
    rest = next;
  } while (rest > 0);
  return at + digits;
}

/** Largest value written without `String()`: its thousandths are exact in a double. */
const FAST_LIMIT = 1e12;

/**
 * Writes `String(value)` (for a finite number, its JSON). Whole numbers and numbers with at most
 * three decimals below 10^12 (epoch ms, statuses, durations in ms rounded to the µs) are written
 * digit by digit; for them, the integer part, a dot and the thousandths without trailing zeros
 * is the shortest decimal that reads back as `value`, which is what `String` writes. Anything
 * else (negative, NaN, more decimals, huge) uses `String`.
 */
export function writeNumber(buf: Buffer, at: number, value: number): number {
  const thousandths = Math.round(value * 1000);
  if (!(thousandths >= 0 && value < FAST_LIMIT && thousandths / 1000 === value)) {
    return at + buf.write(String(value), at, 'latin1');
  }
  const whole = Math.floor(value);
  let end = writeWhole(buf, at, whole);
  let frac = thousandths - whole * 1000;
  if (frac === 0) return end;
  buf[end++] = 0x2e;
  let digits = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  for (let i = digits - 1; i >= 0; i--) {
    buf[end + i] = 0x30 + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return end + digits;
}
