/**
 * Strict key checking for objects whose generated schemas accept unknown fields (kubernetes-models
 * and @kubernetes-models/flux-cd validate types and required fields, but ignore keys they do not
 * know, as the API server's non-strict decoding would, so a typo like `dependOn` or `readinesProbe`
 * silently does nothing).
 *
 * A shape lists the allowed keys of an object; each key maps to the shape of its value, to
 * `list(shape)` for an array of objects, or to `true` when the value is not checked further (scalars,
 * free-form maps such as labels). `strict<T>()` takes the keys of a generated model type `T`: the
 * compiler demands every key of `T` and rejects any other, so a model upgrade that adds or renames a
 * field fails the typecheck until the shape follows.
 */
import { distance } from 'fastest-levenshtein';

export interface Shape {
  readonly keys: Readonly<Record<string, Node>>;
  /** Human name for messages, e.g. `Container`. */
  readonly name: string;
}
export type Node = true | Shape | { readonly list: Shape };

type KeysOf<T> = { readonly [K in keyof Required<T> & string]: Node };

/** A shape with exactly the keys of `T` (see the module comment), plus documented `extra` ones. */
export function strict<T>(
  name: string,
  keys: KeysOf<T>,
  extra: Readonly<Record<string, Node>> = {},
): Shape {
  return { name, keys: { ...keys, ...extra } };
}

/**
 * The shape of a top-level API object: `apiVersion` and `kind` (not checked further), `metadata`,
 * then exactly the other keys of `T` (as `strict<T>()`).
 */
export function resource<T extends { apiVersion?: unknown; kind?: unknown; metadata?: unknown }>(
  name: string,
  metadata: Node,
  keys: Omit<KeysOf<T>, 'apiVersion' | 'kind' | 'metadata'>,
): Shape {
  return { name, keys: { apiVersion: true, kind: true, metadata, ...keys } };
}

/** An array whose items have `shape`. */
export function list(shape: Shape): { readonly list: Shape } {
  return { list: shape };
}

/** The element type of an optional array field. */
export type Item<T, K extends keyof T> = NonNullable<T[K]> extends readonly (infer U)[] ? U : never;
/** The type of an optional object field. */
export type Field<T, K extends keyof T> = NonNullable<T[K]>;

export interface UnknownField {
  /** Dotted path of the unknown key itself, e.g. `spec.template.spec.containers[0].readinesProbe`. */
  readonly field: string;
  readonly key: string;
  readonly shape: string;
  /** The closest allowed key, when one is near (a likely typo). */
  readonly suggestion: string | undefined;
}

/** Every key of `value` (recursively) that `shape` does not allow. Pure. */
export function unknownFields(value: unknown, shape: Shape, path = ''): UnknownField[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const out: UnknownField[] = [];
  const at = (k: string) => (path === '' ? k : `${path}.${k}`);
  for (const [key, v] of Object.entries(value)) {
    const node = shape.keys[key];
    if (node === undefined) {
      out.push({ field: at(key), key, shape: shape.name, suggestion: closest(key, shape) });
    } else if (node === true) {
      // not checked further
    } else if ('list' in node) {
      const items: unknown[] = Array.isArray(v) ? v : [];
      items.forEach((item, i) => {
        out.push(...unknownFields(item, node.list, `${at(key)}[${i}]`));
      });
    } else {
      out.push(...unknownFields(v, node, at(key)));
    }
  }
  return out;
}

/** The allowed key nearest to `key`: same letters in another case, or at most 2 edits away. */
function closest(key: string, shape: Shape): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of Object.keys(shape.keys)) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k);
    if (d <= 2 && (best === undefined || d < best.d)) best = { k, d };
  }
  return best?.k;
}
