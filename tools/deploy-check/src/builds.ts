import { type FluxKustomization, readVarSources, resolveVars } from './flux.js';
import type { Finding, RenderedObject } from './model.js';
import { applyPostBuild } from './render.js';
import type { SourceIndex } from './source-index.js';

/** What building one Flux Kustomization's folder gave: a finding, or kustomize's output. */
export type BuildOutcome =
  | { readonly k: FluxKustomization; readonly failed: Finding }
  | {
      readonly k: FluxKustomization;
      readonly failed?: undefined;
      readonly result: { ok: true; docs: unknown[] } | { ok: false; error: string };
      readonly index: SourceIndex;
    };

type VarSources = ReadonlyMap<string, Record<string, string>>;

/**
 * The substituteFrom sources of one cluster. Flux reads them from the cluster at reconcile time, so
 * a ConfigMap or Secret that another Kustomization of this cluster applies (e.g. the failover
 * controller's demo-app-dr-overrides) is a source too; one declared in the cluster folder itself
 * wins. Pure.
 */
export function clusterVarSources(
  folder: VarSources,
  builds: readonly BuildOutcome[],
): Map<string, Record<string, string>> {
  const sources = new Map(folder);
  for (const b of builds) {
    if (b.failed !== undefined || !b.result.ok) continue;
    const applied = readVarSources(b.result.docs.map((doc) => ({ file: b.k.file, doc })));
    for (const [key, data] of applied) if (!sources.has(key)) sources.set(key, data);
  }
  return sources;
}

/**
 * Flux's post-build substitution over every built Kustomization, in order: the objects each applies
 * (tagged with `appliedBy`) and the findings of building and substituting. Pure.
 */
export function renderBuilds(
  builds: readonly BuildOutcome[],
  sources: VarSources,
): { objects: RenderedObject[]; findings: Finding[] } {
  const objects: RenderedObject[] = [];
  const findings: Finding[] = [];
  for (const b of builds) {
    if (b.failed !== undefined) {
      findings.push(b.failed);
      continue;
    }
    if (!b.result.ok) {
      findings.push({
        check: 'kustomize',
        file: b.k.file,
        kind: 'Kustomization',
        name: b.k.name,
        field: 'spec.path',
        message: `kubectl kustomize ${b.k.path} failed: ${b.result.error}`,
      });
      continue;
    }
    const vars = resolveVars(b.k, sources);
    const rendered = applyPostBuild(
      b.k,
      b.result.docs,
      vars.findings.length > 0 ? {} : vars.vars,
      b.index,
    );
    findings.push(...vars.findings);
    if (vars.findings.length === 0) findings.push(...rendered.findings);
    const appliedBy = `${b.k.namespace}/${b.k.name}`;
    objects.push(...rendered.objects.map((o) => ({ ...o, appliedBy })));
  }
  return { objects, findings };
}
