import { parse } from '@cdktf/hcl2json';
import { CliError } from '../errors.js';

/** The JSON form of an HCL file as hcl2json returns it (blocks become arrays keyed by label). */
export type HclJson = Record<string, unknown>;

/**
 * Parses HCL files with hcl2json (HashiCorp's own Go parser compiled to WASM), each distinct
 * content once: the cache key is the content, so the same file at two refs, or identical unit
 * files in two regions, cost one parse.
 */
export class HclParser {
  private readonly cache = new Map<string, Promise<HclJson>>();
  parses = 0;

  /** @param file path shown in error messages (repository-relative). */
  parse(file: string, content: string): Promise<HclJson> {
    const hit = this.cache.get(content);
    if (hit) return hit.catch((err: unknown) => Promise.reject(relabel(err, file)));
    this.parses += 1;
    const p = parse(file, content).then(
      (json) => json as HclJson,
      (err: unknown) => Promise.reject(toCliError(err, file)),
    );
    this.cache.set(content, p);
    return p;
  }

  /**
   * Parse many files, wrapping not-yet-cached contents as blocks of one document per batch (one
   * WASM call instead of one per file). A batch that fails, or whose shape is not one block per
   * file, falls back to parsing its files one by one, so errors keep their own file:line.
   */
  async parseMany(files: { file: string; content: string }[], batchSize = 100): Promise<HclJson[]> {
    const fresh = [
      ...new Map(
        files.filter((f) => !this.cache.has(f.content)).map((f) => [f.content, f]),
      ).values(),
    ];
    for (let i = 0; i < fresh.length; i += batchSize) {
      const batch = fresh.slice(i, i + batchSize);
      const doc = batch.map((f, j) => `f${j} {\n${f.content}\n}\n`).join('');
      this.parses += 1;
      const json = await parse('batch.hcl', doc).catch(() => undefined);
      batch.forEach((f, j) => {
        const bodies = (json as Record<string, unknown> | undefined)?.[`f${j}`];
        const ok =
          json !== undefined &&
          Object.keys(json).length === batch.length &&
          Array.isArray(bodies) &&
          bodies.length === 1;
        if (ok) this.cache.set(f.content, Promise.resolve(bodies[0] as HclJson));
      });
    }
    return Promise.all(files.map((f) => this.parse(f.file, f.content)));
  }
}

/** Turn hcl2json's "parse config: [file:2,6-3,1: Summary; detail]" into "file:2: Summary; detail". */
export function toCliError(err: unknown, file: string): CliError {
  const text = err instanceof Error ? err.message : String(err);
  const m = /([^[\s]+):(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([^\]]*)/.exec(text);
  const msg = m ? `${file}:${m[2]}: ${m[4]?.trim()}` : `${file}: ${text}`;
  return new CliError('input', `invalid HCL: ${msg}`);
}

function relabel(err: unknown, file: string): CliError {
  if (err instanceof CliError) {
    return new CliError(
      err.code,
      err.message.replace(/invalid HCL: [^:]+:/, `invalid HCL: ${file}:`),
    );
  }
  return toCliError(err, file);
}

/** 1-based line of the first match of `pattern` in `source`, or 1 when absent. */
export function findLine(source: string, pattern: RegExp): number {
  const m = pattern.exec(source);
  if (!m) return 1;
  return source.slice(0, m.index).split('\n').length;
}

/** Regex that finds the header of block `type "label"` (label optional). */
export function blockPattern(type: string, label?: string): RegExp {
  const l = label === undefined ? '' : `\\s*"${escapeRe(label)}"`;
  return new RegExp(`^[ \\t]*${escapeRe(type)}${l}\\s*(\\{|")`, 'm');
}

/** Regex that finds `name =` (an attribute assignment). */
export function attributePattern(name: string): RegExp {
  return new RegExp(`^[ \\t]*${escapeRe(name)}\\s*=`, 'm');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
