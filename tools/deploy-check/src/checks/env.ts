import type { RenderedObject } from '../model.js';
import { arr, get, isRecord, type Json, str } from '../object-access.js';
import { find } from './lookup.js';

/** Where a container's environment variable gets its value, for messages. */
export interface EnvValue {
  /** undefined: set from a Secret, the downward API or a resource field, which are not rendered. */
  readonly value: string | undefined;
  /** e.g. `env`, `ConfigMap demo-app-config`. */
  readonly source: string;
}

/**
 * The value a container would see for `name`, resolved the way the kubelet does: an `env` entry
 * (the last one of that name; a literal `value` or a `configMapKeyRef`) wins over `envFrom`, and among
 * `envFrom` ConfigMaps (with their `prefix`) the later one wins. An `env` entry taking its value
 * from a Secret or the downward API gives `value: undefined` (set, but unknown here); `envFrom`
 * Secrets are not looked into. Pure.
 */
export function resolveEnv(
  container: Json,
  name: string,
  objects: readonly RenderedObject[],
  namespace: string,
): EnvValue | undefined {
  const configMap = (cmName: unknown) => find(objects, 'ConfigMap', namespace, str(cmName) ?? '');
  const entries = arr(container.env).filter((e) => get(e, 'name') === name);
  const last = entries[entries.length - 1];
  if (last !== undefined) {
    const literal = get(last, 'value');
    if (typeof literal === 'string') return { value: literal, source: 'env' };
    // `- name: X` alone sets X to the empty string.
    if (get(last, 'valueFrom') === undefined) return { value: '', source: 'env' };
    const ref = get(last, 'valueFrom', 'configMapKeyRef');
    if (ref === undefined) {
      const valueFrom = get(last, 'valueFrom');
      const from = isRecord(valueFrom) ? Object.keys(valueFrom) : [];
      return { value: undefined, source: `env valueFrom ${from.join(', ')}` };
    }
    const cm = configMap(get(ref, 'name'));
    const value = str(get(cm?.object, 'data', str(get(ref, 'key')) ?? ''));
    return value === undefined ? undefined : { value, source: `ConfigMap ${cm?.name}` };
  }
  let found: EnvValue | undefined;
  for (const from of arr(container.envFrom)) {
    const cm = configMap(get(from, 'configMapRef', 'name'));
    if (cm === undefined) continue;
    const prefix = str(get(from, 'prefix')) ?? '';
    if (!name.startsWith(prefix)) continue;
    const value = str(get(cm.object, 'data', name.slice(prefix.length)));
    if (value !== undefined) found = { value, source: `ConfigMap ${cm.name}` };
  }
  return found;
}
