import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, str } from '../object-access.js';
import { find, nsOr } from './lookup.js';
import { containersOf, podTemplates } from './pods.js';

/**
 * Flagger Canary references: targetRef → Deployment, autoscalerRef → HPA, metrics[].templateRef →
 * MetricTemplate, a named targetPort → a container port of that name; and no hand-written Service
 * with a name Flagger generates (`<name>`, `<name>-primary`, `<name>-canary`). Pure.
 */
export function checkCanaries(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const canary of objects.filter((o) => o.kind === 'Canary')) {
    const ns = canary.namespace;
    const spec = get(canary.object, 'spec');
    const fail = (field: string, message: string) =>
      findings.push(findingFor('canary-refs', canary, field, message));

    const targetKind = str(get(spec, 'targetRef', 'kind')) ?? 'Deployment';
    const targetName = str(get(spec, 'targetRef', 'name')) ?? '';
    const target = find(objects, targetKind, ns, targetName);
    if (target === undefined) {
      fail('spec.targetRef.name', `${targetKind} "${targetName}" not found in namespace ${ns}`);
    }

    const hpaRef = get(spec, 'autoscalerRef');
    if (hpaRef !== undefined) {
      const kind = str(get(hpaRef, 'kind')) ?? 'HorizontalPodAutoscaler';
      const name = str(get(hpaRef, 'name')) ?? '';
      if (find(objects, kind, ns, name) === undefined) {
        fail('spec.autoscalerRef.name', `${kind} "${name}" not found in namespace ${ns}`);
      }
    }

    arr(get(spec, 'analysis', 'metrics')).forEach((m, i) => {
      const ref = get(m, 'templateRef');
      if (ref === undefined) return;
      const name = str(get(ref, 'name')) ?? '';
      const refNs = nsOr(get(ref, 'namespace'), ns);
      if (find(objects, 'MetricTemplate', refNs, name) === undefined) {
        fail(
          `spec.analysis.metrics[${i}].templateRef`,
          `MetricTemplate "${name}" not found in namespace ${refNs}`,
        );
      }
    });

    arr(get(spec, 'analysis', 'alerts')).forEach((a, i) => {
      const name = str(get(a, 'providerRef', 'name')) ?? '';
      const refNs = nsOr(get(a, 'providerRef', 'namespace'), ns);
      if (find(objects, 'AlertProvider', refNs, name) === undefined) {
        fail(
          `spec.analysis.alerts[${i}].providerRef`,
          `AlertProvider "${name}" not found in namespace ${refNs}`,
        );
      }
    });

    const targetPort = get(spec, 'service', 'targetPort');
    if (target !== undefined && typeof targetPort === 'string') {
      const ports = podTemplates([target]).flatMap((t) =>
        containersOf(t).flatMap((c) => arr(c.container.ports).map((p) => str(get(p, 'name')))),
      );
      if (!ports.includes(targetPort)) {
        fail(
          'spec.service.targetPort',
          `${targetKind} "${targetName}" has no container port named "${targetPort}"`,
        );
      }
    }

    for (const generated of [canary.name, `${canary.name}-primary`, `${canary.name}-canary`]) {
      const svc = find(objects, 'Service', ns, generated);
      if (svc !== undefined) {
        findings.push(
          findingFor(
            'canary-refs',
            svc,
            'metadata.name',
            `Flagger generates Service "${generated}" for Canary "${canary.name}"; do not define it (they would fight over it)`,
          ),
        );
      }
    }
  }
  return findings;
}

/**
 * HPA scaleTargetRef → an object of that kind and name in the HPA's namespace, and after
 * substitution `minReplicas` ≤ `maxReplicas` (an override raising the minimum must fit). Pure.
 */
export function checkAutoscalers(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const kind = str(get(hpa.object, 'spec', 'scaleTargetRef', 'kind')) ?? '';
    const name = str(get(hpa.object, 'spec', 'scaleTargetRef', 'name')) ?? '';
    if (find(objects, kind, hpa.namespace, name) === undefined) {
      findings.push(
        findingFor(
          'hpa-refs',
          hpa,
          'spec.scaleTargetRef',
          `${kind} "${name}" not found in namespace ${hpa.namespace}`,
        ),
      );
    }
    const min = get(hpa.object, 'spec', 'minReplicas');
    const max = get(hpa.object, 'spec', 'maxReplicas');
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      findings.push(
        findingFor(
          'hpa-refs',
          hpa,
          'spec.minReplicas',
          `${min} is greater than maxReplicas ${max}`,
        ),
      );
    }
  }
  return findings;
}
