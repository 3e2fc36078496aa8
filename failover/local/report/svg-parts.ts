/**
 * Small pure helpers of the SVG timeline: escaping, number formatting, the y axis, and placing
 * labels in rows so close markers stay readable.
 */

/** Escapes text for HTML and SVG content and attribute values. */
export const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** One decimal at most. */
export const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** An SVG text element at (x, y). */
export const text = (x: number, y: number, s: string, extra = '') =>
  `<text x="${n1(x)}" y="${n1(y)}" ${extra}>${esc(s)}</text>`;

/** The smallest 1/2/5 × 10^k step giving at most 5 ticks up to `max` (≥ 5), and the axis top. */
export function niceAxis(max: number): { step: number; top: number } {
  const m = Math.max(max, 5);
  const p = 10 ** Math.floor(Math.log10(m));
  const step = [1, 2, 5, 10, 20].map((k) => (k * p) / 10).find((s) => m / s <= 5) ?? 5 * p;
  return { step, top: Math.ceil(m / step) * step };
}

/** Rough width in px of a label in the report's 11 px font (bold). */
export const labelWidth = (s: string) => s.length * 6.4;

/**
 * Pure: places labels (in x order) just right of their x — shifted left to end at `right` when they
 * would overflow — each in the first of `rows` rows where it does not overlap the previous label;
 * when every row is taken, in the row that frees up first.
 */
export function packRows(
  items: readonly { x: number; width: number }[],
  rows: number,
  right: number,
): { x: number; row: number }[] {
  const ends = Array.from({ length: rows }, () => Number.NEGATIVE_INFINITY);
  return items.map(({ x, width }) => {
    const start = Math.min(x + 3, right - width);
    let row = ends.findIndex((end) => end + 6 <= start);
    if (row < 0) row = ends.indexOf(Math.min(...ends));
    ends[row] = start + width;
    return { x: start, row };
  });
}
