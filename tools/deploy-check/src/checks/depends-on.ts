import { BOOTSTRAP_KUSTOMIZATION, type FluxKustomization } from '../flux.js';
import type { Finding } from '../model.js';

/**
 * `dependsOn` of each Flux Kustomization names a Kustomization of the same cluster folder (or the
 * bootstrap `flux-system`), and the dependencies have no cycle. Pure.
 */
export function checkDependsOn(ks: readonly FluxKustomization[]): Finding[] {
  const findings: Finding[] = [];
  const id = (name: string, ns: string) => `${ns}/${name}`;
  const known = new Set(ks.map((k) => id(k.name, k.namespace)));
  known.add(id(BOOTSTRAP_KUSTOMIZATION.name, BOOTSTRAP_KUSTOMIZATION.namespace));
  for (const k of ks) {
    k.dependsOn.forEach((d, i) => {
      if (!known.has(id(d.name, d.namespace))) {
        findings.push({
          check: 'depends-on',
          file: k.file,
          kind: 'Kustomization',
          name: k.name,
          field: `spec.dependsOn[${i}]`,
          message: `Kustomization ${d.namespace}/${d.name} is not defined in this cluster folder`,
        });
      }
    });
  }
  const edges = new Map(
    ks.map((k) => [id(k.name, k.namespace), k.dependsOn.map((d) => id(d.name, d.namespace))]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...trail.slice(trail.indexOf(node)), node];
    state.set(node, 'visiting');
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next, [...trail, node]);
      if (cycle !== undefined) return cycle;
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const k of ks) {
    const cycle = visit(id(k.name, k.namespace), []);
    if (cycle !== undefined) {
      findings.push({
        check: 'depends-on',
        file: k.file,
        kind: 'Kustomization',
        name: k.name,
        field: 'spec.dependsOn',
        message: `dependency cycle: ${cycle.join(' -> ')}`,
      });
      break;
    }
  }
  return findings;
}
