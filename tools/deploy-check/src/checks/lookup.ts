import type { RenderedObject } from '../model.js';

/** Finds `kind` `name` in `namespace` among rendered objects. Pure. */
export function find(
  objects: readonly RenderedObject[],
  kind: string,
  namespace: string,
  name: string,
): RenderedObject | undefined {
  return objects.find((o) => o.kind === kind && o.name === name && o.namespace === namespace);
}

/** `namespace` as written, or the referrer's namespace when omitted (Kubernetes' rule). */
export function nsOr(v: unknown, fallback: string): string {
  return typeof v === 'string' && v !== '' ? v : fallback;
}
