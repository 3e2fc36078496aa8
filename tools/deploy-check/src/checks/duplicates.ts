import type { Finding, RenderedObject } from '../model.js';
import { get, str } from '../object-access.js';

/** The same object applied twice (two Kustomizations, or a cluster file and a build) fights. */
export function duplicates(objects: readonly RenderedObject[]): Finding[] {
  const seen = new Map<string, RenderedObject>();
  const out: Finding[] = [];
  for (const o of objects) {
    const key = `${str(get(o.object, 'apiVersion'))}/${o.kind}/${o.namespace}/${o.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const by = (x: RenderedObject) =>
        x.appliedBy === undefined ? 'the cluster folder' : `Kustomization ${x.appliedBy}`;
      out.push({
        check: 'duplicates',
        file: o.file,
        kind: o.kind,
        name: o.name,
        field: 'metadata.name',
        message: `is applied more than once in this cluster (namespace "${o.namespace}"): by ${by(o)} and by ${by(first)} from ${first.file}; the two would fight over it`,
      });
    } else {
      seen.set(key, o);
    }
  }
  return out;
}

/** Both clusters render the shared app: report each distinct problem once. */
export function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
