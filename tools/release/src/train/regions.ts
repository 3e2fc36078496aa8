import { ReleaseError } from '../errors.js';

/**
 * The release train's order, written down once: the standby region canaries every release first,
 * the primary follows only after the standby's canary was promoted. Rule: a region is an AWS region
 * name such as `eu-west-2`, and its pin is `deploy/clusters/<region>/release-pin.yaml` relative to
 * the repository root.
 */
export const STANDBY_REGION = 'eu-west-2';
export const PRIMARY_REGION = 'eu-central-1';
export const REGIONS = [STANDBY_REGION, PRIMARY_REGION] as const;

/** The substitution variable the pin ConfigMap carries (deploy/apps/production uses it). */
export const DIGEST_KEY = 'DEMO_APP_DIGEST';
/**
 * When the digest was pinned (RFC 3339, UTC, seconds). Substituted into the Canary's annotation
 * `release.demo-app.dev/pinned-at`, so a health expression can tell a Canary verdict reached after
 * this pin from the previous release's (tools/release/docs/release-train.md, "early success").
 */
export const PINNED_AT_KEY = 'DEMO_APP_PINNED_AT';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** `deploy/clusters/<region>/release-pin.yaml`, after checking that `region` is one of ours. */
export function pinPath(region: string): string {
  if (!REGION.test(region) || !(REGIONS as readonly string[]).includes(region)) {
    throw new ReleaseError(
      `--region: expected one of ${REGIONS.join(', ')} (the regions of the release train), got "${region}"`,
    );
  }
  return `deploy/clusters/${region}/release-pin.yaml`;
}
