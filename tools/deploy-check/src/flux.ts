import type { Finding } from './model.js';
import { arr, get, identity, isRecord, str, stringMap } from './object-access.js';

/** A document read from a file of a cluster folder. `file` is relative to the repository root. */
export interface SourceDoc {
  readonly file: string;
  readonly doc: unknown;
}

export interface VarsRef {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly optional: boolean;
}

/** The parts of a Flux Kustomization that decide what gets rendered. */
export interface FluxKustomization {
  readonly file: string;
  readonly name: string;
  readonly namespace: string;
  /** `spec.path`, relative to the repository root as Flux reads it (e.g. `./deploy/apps/production`). */
  readonly path: string;
  readonly targetNamespace: string | undefined;
  readonly hasPostBuild: boolean;
  readonly substitute: Readonly<Record<string, string>>;
  readonly substituteFrom: readonly VarsRef[];
  readonly dependsOn: readonly { name: string; namespace: string }[];
}

export const FLUX_KUSTOMIZATION_API = /^kustomize\.toolkit\.fluxcd\.io\//;
/** The Kustomization `flux bootstrap` creates (in flux-system/, not kept in this tree). */
export const BOOTSTRAP_KUSTOMIZATION = { name: 'flux-system', namespace: 'flux-system' };

export function isFluxKustomization(doc: unknown): boolean {
  return (
    get(doc, 'kind') === 'Kustomization' &&
    FLUX_KUSTOMIZATION_API.test(str(get(doc, 'apiVersion')) ?? '')
  );
}

/** Reads the Flux Kustomizations of one cluster folder. Pure. */
export function readKustomizations(docs: readonly SourceDoc[]): {
  kustomizations: FluxKustomization[];
  findings: Finding[];
} {
  const kustomizations: FluxKustomization[] = [];
  const findings: Finding[] = [];
  for (const { file, doc } of docs) {
    if (!isFluxKustomization(doc)) continue;
    const { name, namespace: ns } = identity(doc);
    const namespace = ns === '' ? 'flux-system' : ns;
    const spec = get(doc, 'spec');
    const fail = (field: string, message: string) =>
      findings.push({ check: 'flux', file, kind: 'Kustomization', name, field, message });
    for (const field of ['patches', 'images', 'components', 'namePrefix', 'nameSuffix']) {
      if (get(spec, field) !== undefined) {
        fail(
          `spec.${field}`,
          'is not rendered by deploy-check; put it in the kustomization.yaml of spec.path instead',
        );
      }
    }
    const path = str(get(spec, 'path'));
    if (path === undefined || path === '') {
      fail(
        'spec.path',
        'is required by deploy-check (the folder to build, from the repository root)',
      );
      continue;
    }
    const postBuild = get(spec, 'postBuild');
    const substituteFrom: VarsRef[] = [];
    arr(get(postBuild, 'substituteFrom')).forEach((ref, i) => {
      const kind = get(ref, 'kind');
      const refName = str(get(ref, 'name'));
      if ((kind !== 'ConfigMap' && kind !== 'Secret') || refName === undefined) {
        fail(
          `spec.postBuild.substituteFrom[${i}]`,
          'must have kind ConfigMap or Secret and a name',
        );
        return;
      }
      substituteFrom.push({ kind, name: refName, optional: get(ref, 'optional') === true });
    });
    kustomizations.push({
      file,
      name,
      namespace,
      path,
      targetNamespace: str(get(spec, 'targetNamespace')),
      hasPostBuild: isRecord(postBuild),
      substitute: stringMap(get(postBuild, 'substitute')),
      substituteFrom,
      dependsOn: arr(get(spec, 'dependsOn')).map((d) => ({
        name: str(get(d, 'name')) ?? '',
        namespace: str(get(d, 'namespace')) ?? namespace,
      })),
    });
  }
  return { kustomizations, findings };
}

/** ConfigMaps and Secrets of a cluster folder, keyed `namespace/Kind/name`, as string maps. */
export function readVarSources(docs: readonly SourceDoc[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const { doc } of docs) {
    const { kind, name, namespace } = identity(doc);
    if (kind === 'ConfigMap') {
      out.set(`${namespace || 'default'}/ConfigMap/${name}`, stringMap(get(doc, 'data')));
    } else if (kind === 'Secret') {
      const data = stringMap(get(doc, 'data'));
      const decoded: Record<string, string> = {};
      for (const [k, v] of Object.entries(data)) decoded[k] = Buffer.from(v, 'base64').toString();
      out.set(`${namespace || 'default'}/Secret/${name}`, {
        ...decoded,
        ...stringMap(get(doc, 'stringData')),
      });
    }
  }
  return out;
}

/**
 * The variables Flux would substitute for `k`: substituteFrom in order (later entries win), then the
 * inline `substitute` map on top. Missing non-optional sources are findings. Pure.
 */
export function resolveVars(
  k: FluxKustomization,
  sources: ReadonlyMap<string, Record<string, string>>,
): { vars: Record<string, string>; findings: Finding[] } {
  const vars: Record<string, string> = {};
  const findings: Finding[] = [];
  k.substituteFrom.forEach((ref, i) => {
    const data = sources.get(`${k.namespace}/${ref.kind}/${ref.name}`);
    if (data === undefined) {
      if (!ref.optional) {
        findings.push({
          check: 'substitution',
          file: k.file,
          kind: 'Kustomization',
          name: k.name,
          field: `spec.postBuild.substituteFrom[${i}]`,
          message: `${ref.kind} ${k.namespace}/${ref.name} is not defined in the cluster folder nor applied by one of its Kustomizations (mark it optional: true if it is created at run time)`,
        });
      }
      return;
    }
    Object.assign(vars, data);
  });
  Object.assign(vars, k.substitute);
  return { vars, findings };
}
