import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { get, isRecord } from '../object-access.js';
import { podTemplates, selectorMatches } from './pods.js';

/**
 * Selectors must select something: a PodDisruptionBudget's `spec.selector` and a Service's
 * `spec.selector` must match the pod template labels of at least one workload in their namespace,
 * and a workload's own `spec.selector` must match its template (the API server rejects it
 * otherwise). Pure.
 */
export function checkSelectors(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  const templates = podTemplates(objects);
  const describe = (sel: unknown) => JSON.stringify(sel);

  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const selector = get(pdb.object, 'spec', 'selector');
    const hit = templates.some(
      (t) => t.owner.namespace === pdb.namespace && selectorMatches(selector, t.labels),
    );
    if (!hit) {
      findings.push(
        findingFor(
          'selectors',
          pdb,
          'spec.selector',
          `${describe(selector)} matches no pod template in namespace ${pdb.namespace}`,
        ),
      );
    }
  }

  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const selector = get(svc.object, 'spec', 'selector');
    if (!isRecord(selector) || Object.keys(selector).length === 0) continue; // headless/external
    const hit = templates.some(
      (t) =>
        t.owner.namespace === svc.namespace && selectorMatches({ matchLabels: selector }, t.labels),
    );
    if (!hit) {
      findings.push(
        findingFor(
          'selectors',
          svc,
          'spec.selector',
          `${describe(selector)} matches no pod template in namespace ${svc.namespace}`,
        ),
      );
    }
  }

  for (const t of templates) {
    if (t.path === '' || t.owner.kind === 'Job' || t.owner.kind === 'CronJob') continue;
    const selector = get(t.owner.object, 'spec', 'selector');
    if (!selectorMatches(selector, t.labels)) {
      findings.push(
        findingFor(
          'selectors',
          t.owner,
          'spec.selector',
          `${describe(selector)} does not match the labels of ${t.path} ${describe(t.labels)}`,
        ),
      );
    }
  }
  return findings;
}
