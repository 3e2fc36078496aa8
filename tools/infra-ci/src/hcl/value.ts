/** Values produced by evaluating HCL expressions. `UNKNOWN` stands for anything not known statically
 * (dependency outputs, environment lookups, functions we do not model). */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;

/** An object whose attributes are computed on first access (locals, includes). */
export class LazyObject {
  private readonly cache = new Map<string, Value>();
  constructor(
    private readonly keys: () => string[],
    private readonly compute: (key: string) => Value,
  ) {}
  has(key: string): boolean {
    return this.keys().includes(key);
  }
  get(key: string): Value {
    const hit = this.cache.get(key);
    if (hit !== undefined || this.cache.has(key)) return hit as Value;
    const v = this.compute(key);
    this.cache.set(key, v);
    return v;
  }
  entries(): [string, Value][] {
    return this.keys().map((k) => [k, this.get(k)]);
  }
}

export type Value =
  | string
  | number
  | boolean
  | null
  | Unknown
  | LazyObject
  | Value[]
  | { [key: string]: Value };

export function isRecord(v: Value): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LazyObject);
}
