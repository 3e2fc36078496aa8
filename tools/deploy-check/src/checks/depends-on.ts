import { BOOTSTRAP_KUSTOMIZATION, type FluxKustomization } from '../flux.js';
import type { Finding, RenderedObject } from '../model.js';

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

/**
 * A Kustomization that applies objects into a namespace another Kustomization of the cluster creates
 * must depend on it (directly or through its dependencies): otherwise Flux may apply them first and
 * the API server rejects them ("namespace not found") until a later retry, and a fresh cluster or a
 * failover region comes up in the wrong order. Namespaces nobody here creates (flux-system, ones made
 * by Terraform) are not checked. One finding per Kustomization and namespace. Pure.
 */
export function checkNamespaceOrder(
  ks: readonly FluxKustomization[],
  objects: readonly RenderedObject[],
): Finding[] {
  const id = (k: { name: string; namespace: string }) => `${k.namespace}/${k.name}`;
  const deps = new Map(ks.map((k) => [id(k), k.dependsOn.map(id)]));
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [...(deps.get(from) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() ?? '';
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(deps.get(next) ?? []));
    }
    return false;
  };
  const creator = new Map<string, string>();
  for (const o of objects) {
    if (o.kind === 'Namespace' && o.appliedBy !== undefined && !creator.has(o.name)) {
      creator.set(o.name, o.appliedBy);
    }
  }
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const o of objects) {
    if (o.appliedBy === undefined || o.namespace === '' || o.kind === 'Namespace') continue;
    const owner = creator.get(o.namespace);
    if (owner === undefined || owner === o.appliedBy || reaches(o.appliedBy, owner)) continue;
    const key = `${o.appliedBy} ${o.namespace}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const k = ks.find((x) => id(x) === o.appliedBy);
    if (k === undefined) continue;
    const ownerName = owner.split('/')[1] ?? owner;
    findings.push({
      check: 'namespace-order',
      file: k.file,
      kind: 'Kustomization',
      name: k.name,
      field: 'spec.dependsOn',
      message: `applies ${o.kind}/${o.name} (${o.file}) into namespace ${o.namespace}, which Kustomization ${owner} creates, but does not depend on it: add {name: ${ownerName}} to dependsOn`,
    });
  }
  return findings;
}
