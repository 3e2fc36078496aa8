import type { RenderedObject } from '../model.js';
import { arr, get, isRecord, type Json, str } from '../object-access.js';
import { find } from './lookup.js';

/** Where a container's environment variable gets its value, for messages. */
export interface EnvValue {
  /**
   * undefined: set, or possibly set, from something deploy-check does not render (a Secret, the
   * downward API, a resource field, an optional ConfigMap that is not among the rendered objects).
   */
  readonly value: string | undefined;
  /** e.g. `env`, `ConfigMap demo-app-config`, `envFrom Secret overrides`. */
  readonly source: string;
}

/**
 * The value a container would see for `name`, resolved the way the kubelet builds the environment
 * (`makeEnvironmentVariables`): first every `envFrom` source in order (with its `prefix`; a later
 * source overwrites an earlier one), then every `env` entry in order on top (a later entry of the
 * same name overwrites). So `env` always wins over `envFrom`.
 *
 * - `env` with `value`: that value (`- name: X` alone is the empty string); a value with a `$(VAR)`
 *   reference is expanded by the kubelet, so it is reported as unknown.
 * - `env` with `configMapKeyRef`: the key's value; an `optional` reference whose ConfigMap or key is
 *   missing does not set the variable at all (the kubelet skips it), so what came before stands. A
 *   missing required one stops the pod (configmap-refs reports it) and sets nothing here either.
 * - `env` from a Secret, `fieldRef` or `resourceFieldRef`: unknown (value undefined).
 * - `envFrom` ConfigMap: its `data` key, if it has it; an optional ConfigMap that is not rendered
 *   could be created at run time, so it makes the value unknown.
 * - `envFrom` Secret: it could hold the key (deploy-check never sees Secret data), so it makes the
 *   value unknown, unless something later sets it.
 *
 * Returns undefined when nothing sets the variable. Pure.
 */
export function resolveEnv(
  container: Json,
  name: string,
  objects: readonly RenderedObject[],
  namespace: string,
): EnvValue | undefined {
  const configMap = (cmName: unknown) => find(objects, 'ConfigMap', namespace, str(cmName) ?? '');
  let found: EnvValue | undefined;
  for (const from of arr(container.envFrom)) {
    const prefix = str(get(from, 'prefix')) ?? '';
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    const cmRef = get(from, 'configMapRef');
    const secretRef = get(from, 'secretRef');
    if (isRecord(cmRef)) {
      const cmName = str(cmRef.name) ?? '';
      const cm = configMap(cmName);
      if (cm === undefined) {
        if (cmRef.optional === true) {
          found = {
            value: undefined,
            source: `envFrom optional ConfigMap ${cmName} (not rendered)`,
          };
        }
        continue;
      }
      const value = str(get(cm.object, 'data', key));
      if (value !== undefined) found = { value, source: `ConfigMap ${cm.name}` };
    } else if (isRecord(secretRef)) {
      found = { value: undefined, source: `envFrom Secret ${str(secretRef.name) ?? '?'}` };
    }
  }
  for (const entry of arr(container.env)) {
    if (get(entry, 'name') !== name) continue;
    const literal = get(entry, 'value');
    const valueFrom = get(entry, 'valueFrom');
    // The kubelet takes valueFrom when value is empty; the API accepts `value: ""` beside it.
    if (typeof literal === 'string' && (literal !== '' || !isRecord(valueFrom))) {
      found = /\$\([A-Za-z_][A-Za-z0-9_]*\)/.test(literal)
        ? { value: undefined, source: `env value "${literal}" (a $(VAR) reference)` }
        : { value: literal, source: 'env' };
      continue;
    }
    if (!isRecord(valueFrom)) {
      // `- name: X` alone sets X to the empty string.
      found = { value: '', source: 'env' };
      continue;
    }
    const ref = valueFrom.configMapKeyRef;
    if (!isRecord(ref)) {
      found = { value: undefined, source: `env valueFrom ${Object.keys(valueFrom).join(', ')}` };
      continue;
    }
    const cmName = str(ref.name) ?? '';
    const cm = configMap(cmName);
    if (cm === undefined && ref.optional === true) {
      found = { value: undefined, source: `optional ConfigMap ${cmName} (not rendered)` };
      continue;
    }
    const value = str(get(cm?.object, 'data', str(ref.key) ?? ''));
    // A missing key (optional, or required and reported by configmap-refs) sets nothing.
    if (value !== undefined) found = { value, source: `ConfigMap ${cmName}` };
  }
  return found;
}
