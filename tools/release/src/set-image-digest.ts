import { isMap, isSeq, parseDocument } from 'yaml';
import { ReleaseError } from './errors.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface SetImageDigestInput {
  /** The kustomization.yaml text to rewrite. */
  source: string;
  /** Name of the file, used only in error messages. */
  fileName: string;
  /** The `images[].name` entry to update (e.g. `demo-app`). */
  image: string;
  /** The new digest, `sha256:` followed by 64 lowercase hex characters. */
  digest: string;
}

export interface SetImageDigestResult {
  text: string;
  previousDigest: string | undefined;
  changed: boolean;
}

/**
 * Pure rewrite of one `images:` entry's digest in a kustomization.yaml, keeping every comment and
 * the formatting of everything else: the app-merge workflow commits the result, so the diff must
 * be exactly one line.
 */
export function setImageDigest(input: SetImageDigestInput): SetImageDigestResult {
  if (!DIGEST.test(input.digest)) {
    throw new ReleaseError(
      `--digest: expected "sha256:" followed by 64 lowercase hex characters, got "${input.digest}"`,
    );
  }
  const doc = parseDocument(input.source, { keepSourceTokens: true });
  if (doc.errors.length > 0) {
    throw new ReleaseError(`${input.fileName}: not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  }
  const images = doc.get('images', true);
  if (!isSeq(images)) {
    throw new ReleaseError(`${input.fileName}: expected a top-level "images:" list`);
  }
  const entry = images.items.find((item) => isMap(item) && item.get('name') === input.image);
  if (!isMap(entry)) {
    throw new ReleaseError(`${input.fileName}: no images[] entry with name "${input.image}"`);
  }
  const previous = entry.get('digest');
  const previousDigest = typeof previous === 'string' ? previous : undefined;
  if (entry.has('newTag')) {
    throw new ReleaseError(
      `${input.fileName}: images[name=${input.image}] has "newTag"; production images are pinned by digest only`,
    );
  }
  if (previousDigest === input.digest) {
    return { text: input.source, previousDigest, changed: false };
  }
  if (previousDigest === undefined) {
    throw new ReleaseError(
      `${input.fileName}: images[name=${input.image}] has no "digest" to replace`,
    );
  }
  // A targeted text edit keeps the file byte-identical apart from the digest: the YAML
  // round-trip is only used above to find and check the entry.
  const count = input.source.split(previousDigest).length - 1;
  if (count !== 1) {
    throw new ReleaseError(
      `${input.fileName}: digest ${previousDigest} appears ${count} times; expected exactly once`,
    );
  }
  return {
    text: input.source.replace(previousDigest, input.digest),
    previousDigest,
    changed: true,
  };
}
