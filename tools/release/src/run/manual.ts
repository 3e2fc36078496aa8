import { ReleaseError } from '../errors.js';
import type { RegionPin } from '../train/pin-file.js';
import { STANDBY_REGION } from '../train/regions.js';
import { readRegionPin, writeRegionPin } from './pins.js';

/** `release hold` / `release unhold`: the train leaves a held region's pin alone. */
export async function setHold(repo: string, region: string, reason: string | null) {
  return writeRegionPin(repo, region, { hold: reason });
}

/** Has the standby run `digest` (now or among its remembered earlier pins)? */
export function standbyRan(standby: RegionPin, digest: string): boolean {
  return standby.digest === digest || standby.earlier.includes(digest);
}

/**
 * `release promote`: a human pins a region. The standby takes any digest (its old one is
 * remembered). Another region may only take a digest the standby ran, unless `override` gives the
 * reason it may be ahead (deploy-check then accepts it). A held region must be unheld first.
 */
export async function manualPromote(
  repo: string,
  region: string,
  digest: string,
  override: string | undefined,
) {
  const current = await readRegionPin(repo, region);
  if (current.hold !== undefined) {
    throw new ReleaseError(
      `--region: ${region} is held (${current.hold}); run "release unhold --region ${region}" first`,
    );
  }
  if (region === STANDBY_REGION) {
    return writeRegionPin(repo, region, { digest, rememberEarlier: true, override: null });
  }
  const standby = await readRegionPin(repo, STANDBY_REGION);
  const ran = standbyRan(standby, digest);
  if (!ran && override === undefined) {
    throw new ReleaseError(
      `--digest: ${STANDBY_REGION} never ran ${digest}; pinning ${region} to it puts ${region} ahead of the standby. Pass --override "<reason>" to do it anyway`,
    );
  }
  return writeRegionPin(repo, region, { digest, override: ran ? null : (override ?? null) });
}
