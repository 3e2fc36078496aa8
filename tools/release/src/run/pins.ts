import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReleaseError } from '../errors.js';
import { type PinChange, type RegionPin, readPin, updatePin } from '../train/pin-file.js';
import { pinPath } from '../train/regions.js';

/** Reads a region's pin from the checkout at `repo`. */
export async function readRegionPin(repo: string, region: string): Promise<RegionPin> {
  const path = pinPath(region);
  let source: string;
  try {
    source = await readFile(join(repo, path), 'utf8');
  } catch {
    throw new ReleaseError(`${path}: cannot read it under --repo "${repo}"`);
  }
  return readPin(source, path);
}

/** Applies `change` to a region's pin file in the checkout; write-then-rename, never half-written. */
export async function writeRegionPin(
  repo: string,
  region: string,
  change: PinChange,
): Promise<{ changed: boolean; before: RegionPin; after: RegionPin; path: string }> {
  const path = pinPath(region);
  const file = join(repo, path);
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    throw new ReleaseError(`${path}: cannot read it under --repo "${repo}"`);
  }
  // The clock is read here, in the adapter; the file logic stays pure.
  const pinnedAt = `${new Date().toISOString().slice(0, 19)}Z`;
  const result = updatePin(source, path, { pinnedAt, ...change });
  if (result.changed) {
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, result.text);
    await rename(tmp, file);
  }
  return { changed: result.changed, before: result.before, after: result.after, path };
}
