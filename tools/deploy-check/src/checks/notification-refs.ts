import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, str } from '../object-access.js';
import { find } from './lookup.js';

/**
 * Flux notification references: an Alert's `providerRef` names a Provider of its namespace, and a
 * named (not `*`) Kustomization or GitRepository event source exists in the cluster (notification-
 * controller docs/spec/v1beta3/alerts.md: eventSources are matched by kind, name and namespace, the
 * Alert's namespace by default). A dangling reference sends nothing, silently. Pure.
 */
export function checkNotificationRefs(objects: readonly RenderedObject[]): Finding[] {
  const out: Finding[] = [];
  for (const a of objects.filter((o) => o.kind === 'Alert')) {
    const provider = str(get(a.object, 'spec', 'providerRef', 'name')) ?? '';
    if (find(objects, 'Provider', a.namespace, provider) === undefined) {
      out.push(
        findingFor(
          'notification-refs',
          a,
          'spec.providerRef.name',
          `Provider "${provider}" not found in namespace ${a.namespace}`,
        ),
      );
    }
    arr(get(a.object, 'spec', 'eventSources')).forEach((s, i) => {
      const kind = str(get(s, 'kind')) ?? '';
      const name = str(get(s, 'name')) ?? '';
      const ns = str(get(s, 'namespace')) ?? a.namespace;
      if (name === '*' || !['Kustomization', 'GitRepository'].includes(kind)) return;
      // The bootstrap objects (flux-system) are created by Terraform, not by this tree.
      if (name === 'flux-system' && ns === 'flux-system') return;
      if (find(objects, kind, ns, name) === undefined) {
        out.push(
          findingFor(
            'notification-refs',
            a,
            `spec.eventSources[${i}]`,
            `${kind} ${ns}/${name} is not applied in this cluster: the Alert would never fire`,
          ),
        );
      }
    });
  }
  return out;
}
