import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, isRecord, str } from '../object-access.js';
import { find } from './lookup.js';
import { containersOf, join, podTemplates } from './pods.js';

interface ConfigMapRef {
  readonly field: string;
  readonly name: string;
  readonly key: string | undefined;
  readonly optional: boolean;
}

/** ConfigMap references of one pod template: envFrom, env valueFrom, volumes (incl. projected). */
function refsOf(template: ReturnType<typeof podTemplates>[number]): ConfigMapRef[] {
  const refs: ConfigMapRef[] = [];
  for (const { path, container } of containersOf(template)) {
    arr(container.envFrom).forEach((e, i) => {
      const ref = get(e, 'configMapRef');
      if (isRecord(ref)) {
        refs.push({
          field: `${path}.envFrom[${i}].configMapRef.name`,
          name: str(ref.name) ?? '',
          key: undefined,
          optional: ref.optional === true,
        });
      }
    });
    arr(container.env).forEach((e, i) => {
      const ref = get(e, 'valueFrom', 'configMapKeyRef');
      if (isRecord(ref)) {
        refs.push({
          field: `${path}.env[${i}].valueFrom.configMapKeyRef`,
          name: str(ref.name) ?? '',
          key: str(ref.key),
          optional: ref.optional === true,
        });
      }
    });
  }
  arr(template.spec.volumes).forEach((v, i) => {
    const base = join(template.path, 'spec', `volumes[${i}]`);
    const cm = get(v, 'configMap');
    if (isRecord(cm)) {
      refs.push({
        field: `${base}.configMap.name`,
        name: str(cm.name) ?? '',
        key: undefined,
        optional: cm.optional === true,
      });
    }
    arr(get(v, 'projected', 'sources')).forEach((s, j) => {
      const pcm = get(s, 'configMap');
      if (isRecord(pcm)) {
        refs.push({
          field: `${base}.projected.sources[${j}].configMap.name`,
          name: str(pcm.name) ?? '',
          key: undefined,
          optional: pcm.optional === true,
        });
      }
    });
  });
  return refs;
}

/** Every non-optional ConfigMap (and key) a pod template refers to is rendered too. Pure. */
export function checkConfigMapRefs(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const template of podTemplates(objects)) {
    const ns = template.owner.namespace;
    for (const ref of refsOf(template)) {
      if (ref.optional) continue;
      const cm = find(objects, 'ConfigMap', ns, ref.name);
      if (cm === undefined) {
        findings.push(
          findingFor(
            'configmap-refs',
            template.owner,
            ref.field,
            `ConfigMap "${ref.name}" not found in namespace ${ns}`,
          ),
        );
      } else if (ref.key !== undefined && get(cm.object, 'data', ref.key) === undefined) {
        findings.push(
          findingFor(
            'configmap-refs',
            template.owner,
            ref.field,
            `ConfigMap "${ref.name}" has no key "${ref.key}"`,
          ),
        );
      }
    }
  }
  return findings;
}
