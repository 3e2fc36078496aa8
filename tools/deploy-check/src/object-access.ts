/** Small, total accessors over untyped parsed YAML (no throwing, no `any`). */

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a nested value, e.g. `get(obj, 'spec', 'template')`; undefined when any step is missing. */
export function get(v: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = v;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[key];
    }
  }
  return cur;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

/** `metadata.name`, `metadata.namespace` and `kind` of a parsed object, '' when missing. */
export function identity(obj: unknown): { kind: string; name: string; namespace: string } {
  return {
    kind: str(get(obj, 'kind')) ?? '',
    name: str(get(obj, 'metadata', 'name')) ?? '',
    namespace: str(get(obj, 'metadata', 'namespace')) ?? '',
  };
}
