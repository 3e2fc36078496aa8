/**
 * Idempotent image publishing (issue #20: "a re-run fails because the immutable ECR tag already
 * exists"). The tag is the commit SHA, in a repository with immutable tags that only this image's
 * publish role can push to. A re-run of the workflow therefore finds its own earlier push: it reuses
 * that digest instead of rebuilding (a rebuild is not byte-reproducible, so its digest would differ
 * and the push would be refused). After a push, the tag must hold exactly the digest this run
 * pushed; any other digest is a clear failure naming both.
 */
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export type BeforeBuild =
  | { readonly kind: 'build' }
  | { readonly kind: 'reuse'; readonly digest: string; readonly note: string };

/** `existing`: the digest the tag holds now (undefined: no such tag). */
export function beforeBuild(tag: string, existing: string | undefined): BeforeBuild {
  if (existing === undefined) return { kind: 'build' };
  return {
    kind: 'reuse',
    digest: existing,
    note: `tag ${tag} already holds ${existing} (an earlier attempt of this commit's workflow pushed it): not rebuilt`,
  };
}

export type AfterPush = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The tag after this run's push must hold the digest the push reported. */
export function afterPush(tag: string, pushed: string, existing: string | undefined): AfterPush {
  if (!DIGEST.test(pushed)) {
    return { ok: false, reason: `--expect-digest: expected sha256:<64 hex>, got "${pushed}"` };
  }
  if (existing === undefined) {
    return { ok: false, reason: `tag ${tag} does not exist after the push of ${pushed}` };
  }
  if (existing !== pushed) {
    return {
      ok: false,
      reason: `tag ${tag} holds ${existing}, not ${pushed} which this run pushed: another push of the same tag won; re-run the workflow to reuse the tag's image, or investigate who pushed it`,
    };
  }
  return { ok: true };
}

/** The digest of `describe-images --image-ids imageTag=<tag>` output (undefined: not found). */
export function digestOfDescribeImages(json: unknown, tag: string): string | undefined {
  const details = (json as { imageDetails?: unknown } | null)?.imageDetails;
  if (!Array.isArray(details)) throw new Error('describe-images: no imageDetails array');
  const match = details.filter((d: { imageTags?: unknown }) =>
    Array.isArray(d?.imageTags) ? d.imageTags.includes(tag) : false,
  );
  if (match.length === 0) return undefined;
  const digest = (match[0] as { imageDigest?: unknown }).imageDigest;
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new Error(`describe-images: tag ${tag} has no sha256 imageDigest`);
  }
  return digest;
}
