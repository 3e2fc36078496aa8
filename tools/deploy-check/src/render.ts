import { parse, stringify } from 'yaml';
import type { FluxKustomization } from './flux.js';
import type { Finding, KubeObject, RenderedObject } from './model.js';
import { get, identity, isRecord } from './object-access.js';
import { type SourceIndex, sourceFileOf, sourceFileOfField, varNames } from './source-index.js';
import { literalMessage, locateLiterals, locateReferences, substitute } from './substitute.js';

export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

/** Kinds that are never namespaced, so `targetNamespace` leaves them alone. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'IngressClass',
  'GatewayClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'PersistentVolume',
]);

/**
 * Unescaped `${...}` in the objects of the cluster folder, which the bootstrap Kustomization
 * (`flux-system`, created by Terraform or `flux bootstrap`, without postBuild) applies as they are.
 * Pure.
 */
export function literalsInClusterFolder(objects: readonly RenderedObject[]): Finding[] {
  return objects.flatMap((o) =>
    get(o.object, 'metadata', 'annotations', SUBSTITUTE_ANNOTATION) === 'disabled'
      ? []
      : locateLiterals(o.object).map((loc) => ({
          check: 'substitution',
          file: o.file,
          kind: o.kind,
          name: o.name,
          field: loc.field,
          message: literalMessage(
            loc,
            'the cluster folder is applied by the bootstrap Kustomization, which substitutes nothing',
          ),
        })),
  );
}

/**
 * Applies what kustomize-controller does to the output of `kustomize build` for Kustomization `k`:
 * `targetNamespace`, then per object (unless annotated `kustomize.toolkit.fluxcd.io/substitute:
 * disabled`) the postBuild substitution on the object's YAML, re-parsed so `${N}` can become a number.
 * Pure: `built` is the parsed build output, `vars` from resolveVars().
 */
export function applyPostBuild(
  k: FluxKustomization,
  built: readonly unknown[],
  vars: Readonly<Record<string, string>>,
  index: SourceIndex,
): { objects: RenderedObject[]; findings: Finding[] } {
  const objects: RenderedObject[] = [];
  const findings: Finding[] = [];
  for (const raw of built) {
    if (!isRecord(raw)) continue;
    let obj: KubeObject = raw;
    const { kind, name } = identity(obj);
    const file = sourceFileOf(index, kind, name, `${k.path} (built for ${k.file})`);
    if (k.targetNamespace !== undefined && !CLUSTER_SCOPED.has(kind)) {
      const metadata = isRecord(obj.metadata) ? obj.metadata : {};
      obj = { ...obj, metadata: { ...metadata, namespace: k.targetNamespace } };
    }
    const disabled = get(obj, 'metadata', 'annotations', SUBSTITUTE_ANNOTATION) === 'disabled';
    if (k.hasPostBuild && !disabled) {
      for (const loc of locateReferences(obj, vars)) {
        for (const v of loc.unresolved) {
          findings.push({
            check: 'substitution',
            file: sourceFileOfField(index, kind, name, file, loc.field, [v]),
            kind,
            name,
            field: loc.field,
            message: `variable \${${v}} has no value: not in postBuild.substitute nor in the substituteFrom sources of Kustomization ${k.namespace}/${k.name} (${k.file}), and no \${${v}:=default}`,
          });
        }
        for (const expr of loc.unsupported) {
          findings.push({
            check: 'substitution',
            file,
            kind,
            name,
            field: loc.field,
            message: `unsupported substitution expression ${expr} (use \${VAR} or \${VAR:=default}; escape a literal with $\${...})`,
          });
        }
      }
      const result = substitute(stringify(obj), vars);
      const reparsed: unknown = parse(result.text);
      if (isRecord(reparsed)) obj = reparsed;
    } else if (!disabled) {
      for (const loc of locateLiterals(obj)) {
        const names = loc.expressions.flatMap(varNames);
        findings.push({
          check: 'substitution',
          file: sourceFileOfField(index, kind, name, file, loc.field, names),
          kind,
          name,
          field: loc.field,
          message: literalMessage(
            loc,
            `Kustomization ${k.namespace}/${k.name} (${k.file}) has no spec.postBuild, so Flux substitutes nothing (add postBuild, or annotate the object ${SUBSTITUTE_ANNOTATION}: disabled if the text is meant literally)`,
          ),
        });
      }
    }
    const after = identity(obj);
    objects.push({
      object: obj,
      kind: after.kind,
      name: after.name,
      namespace: after.namespace,
      file,
    });
  }
  return { objects, findings };
}
