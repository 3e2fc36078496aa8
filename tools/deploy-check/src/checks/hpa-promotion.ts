import type { RenderedObject } from '../model.js';
import { get, str } from '../object-access.js';
import { find } from './lookup.js';

/**
 * When an HPA change reaches the HPA that serves. Flagger creates `<hpa>-primary` from the Canary's
 * autoscalerRef once and copies min/max/metrics to it only at promotion
 * (fluxcd/flagger pkg/canary/hpa_reconciler.go: the update branch runs only when `init` is false,
 * i.e. from the scheduler's promotion path, pkg/controller/scheduler.go), and a change of the HPA
 * alone starts no analysis (Flagger tracks the Deployment's pod template and its ConfigMaps/Secrets).
 * So a new floor or ceiling from cluster-vars applies to `<hpa>` (the idle canary) at once and to
 * `<hpa>-primary` at the next promotion. One notice per Canary with the command that applies it now.
 * Pure.
 */
export function hpaPromotionNotices(cluster: string, objects: readonly RenderedObject[]): string[] {
  const out: string[] = [];
  for (const c of objects.filter((o) => o.kind === 'Canary')) {
    const ref = get(c.object, 'spec', 'autoscalerRef');
    if (str(get(ref, 'kind')) !== 'HorizontalPodAutoscaler') continue;
    const name = str(get(ref, 'name')) ?? '';
    const hpa = find(objects, 'HorizontalPodAutoscaler', c.namespace, name);
    if (hpa === undefined) continue;
    const min = get(hpa.object, 'spec', 'minReplicas');
    const max = get(hpa.object, 'spec', 'maxReplicas');
    const patch = JSON.stringify({ spec: { minReplicas: min, maxReplicas: max } });
    out.push(
      `${cluster}: HorizontalPodAutoscaler ${c.namespace}/${name} (min ${String(min)}, max ${String(max)}) reaches ${name}-primary, the HPA that serves, only when Flagger promotes the next release of Canary ${c.name}; to apply it now: kubectl -n ${c.namespace} patch hpa ${name}-primary --type merge -p '${patch}' (in a failed-over standby the failover controller owns that floor: do not lower it there)`,
    );
  }
  return out;
}
