import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { containersOf, podTemplates } from './pods.js';

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * Every container image of every cluster is pinned by digest (`name@sha256:<64 hex>`): a tag can be
 * moved, a digest cannot, and Flagger starts a canary exactly when the digest commit lands. Pure.
 */
export function checkImagesPinned(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const t of podTemplates(objects)) {
    for (const { path, container } of containersOf(t)) {
      const image = typeof container.image === 'string' ? container.image : '';
      if (!DIGEST.test(image)) {
        findings.push(
          findingFor(
            'image-digest',
            t.owner,
            `${path}.image`,
            `"${image}" is not pinned by digest (expected <registry>/<name>@sha256:<64 hex>, set by the overlay's images: entry)`,
          ),
        );
      }
    }
  }
  return findings;
}
