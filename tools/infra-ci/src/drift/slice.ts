/**
 * Rotating slices: a large tree is planned a slice per run, and N consecutive runs plan every unit
 * once. A unit's slice is a hash of its id (unit ids are folder paths relative to the repository
 * root), so adding or removing units never moves another unit to another slice: each unit is
 * planned exactly once every N runs whatever else changes in the tree. Pure.
 */
import { createHash } from 'node:crypto';
import { CliError } from '../errors.js';

/** Slice `index` (1-based) of `count`. */
export interface Slice {
  index: number;
  count: number;
}

/** The most slices a tree may be split into (a slice per 10 minutes for a week). */
export const MAX_SLICES = 1008;

const pair = (option: string, text: string, what: string): [bigint, number] => {
  const m = /^(\d{1,18})\/(\d{1,4})$/.exec(text.trim());
  const count = m ? Number(m[2]) : 0;
  if (!m || count < 1 || count > MAX_SLICES) {
    throw new CliError(
      'input',
      `--${option} must be ${what}/<n> with 1 <= n <= ${MAX_SLICES} (got "${text}")`,
    );
  }
  return [BigInt(m[1] as string), count];
};

/** `--slice i/n`: slice i (1 <= i <= n) of n. */
export function parseSlice(text: string): Slice {
  const [i, count] = pair('slice', text, '<i>');
  if (i < 1n || i > BigInt(count)) {
    throw new CliError('input', `--slice ${text}: i must be between 1 and ${count}`);
  }
  return { index: Number(i), count };
}

/**
 * `--rotate k/n`: the slice for run counter k (any non-negative integer, e.g. the workflow's
 * run number): slice (k mod n) + 1, so n consecutive counters name every slice once.
 */
export function parseRotation(text: string): Slice {
  const [k, count] = pair('rotate', text, '<counter>');
  return { index: Number(k % BigInt(count)) + 1, count };
}

/** The slice (1..count) unit `id` belongs to: sha256 of the id, modulo count. */
export function sliceOf(id: string, count: number): number {
  const h = createHash('sha256').update(id).digest();
  return (h.readUInt32BE(0) % count) + 1;
}

/** The units of `ids` in `slice` (all of them when `slice` is undefined), in the given order. */
export function selectSlice(ids: readonly string[], slice: Slice | undefined): string[] {
  if (slice === undefined || slice.count === 1) return [...ids];
  return ids.filter((id) => sliceOf(id, slice.count) === slice.index);
}

export const describeSlice = (s: Slice | undefined): string =>
  s === undefined ? 'every unit' : `slice ${s.index}/${s.count}`;
