import { createRequire } from 'node:module';
import { gitBlobId, type ParseCache } from '../cache/parse-cache.js';
import { CliError } from '../errors.js';

/** The JSON form of an HCL file as hcl2json returns it (blocks become arrays keyed by label). */
export type HclJson = Record<string, unknown>;

type ParseFn = (file: string, content: string) => Promise<unknown>;

let wasm: Promise<ParseFn> | undefined;

/**
 * hcl2json, loaded on first use: importing it starts compiling its Go WASM (~0.3–0.5 s), which a
 * run served from the parse cache never needs.
 */
function wasmParse(): Promise<ParseFn> {
  wasm ??= import('@cdktf/hcl2json').then((m) => m.parse as ParseFn);
  return wasm;
}

/** Start loading the WASM parser now (e.g. while git works), without waiting for it. */
export function warmUpParser(): void {
  wasmParse().catch(() => undefined);
}

/** Bump when the JSON stored per file changes shape (e.g. how batched parses are unwrapped). */
const FORMAT = 1;

/** Identity of the parser for cache entries: hcl2json's version and our entry format. */
export function parserTag(): string {
  let version = 'unknown';
  try {
    const pkg = createRequire(import.meta.url)('@cdktf/hcl2json/package.json') as {
      version?: unknown;
    };
    if (typeof pkg.version === 'string') version = pkg.version;
  } catch {
    // version unknown: entries are still keyed by content, and tagged "unknown"
  }
  return `@cdktf/hcl2json@${version};format=${FORMAT}`;
}

/** A file to parse. `key` is the git blob id of `content` when known (computed otherwise). */
export interface HclSource {
  file: string;
  content: string;
  key?: string | undefined;
}

/**
 * Parses HCL files with hcl2json (HashiCorp's own Go parser compiled to WASM), each distinct
 * content once: the key is the content's git blob id, so the same file at two refs, or identical
 * unit files in two regions, cost one parse. With a persistent `cache`, parses are also reused
 * across runs, and a run whose files are all cached never loads the WASM parser.
 */
export class HclParser {
  private readonly memo = new Map<string, Promise<HclJson>>();
  private readonly lookups = new Map<string, Promise<HclJson | undefined>>();
  private readonly cache: ParseCache | undefined;
  private readonly writes: Promise<void>[] = [];
  /** WASM calls made (a batch counts once). */
  parses = 0;
  /** Files served from the persistent cache. */
  cacheHits = 0;

  constructor(opts: { cache?: ParseCache | undefined } = {}) {
    this.cache = opts.cache;
  }

  /**
   * @param file path shown in error messages (repository-relative).
   * @param key git blob id of `content`, when the caller knows it.
   */
  parse(file: string, content: string, key: string = gitBlobId(content)): Promise<HclJson> {
    const hit = this.memo.get(key);
    if (hit) return hit.catch((err: unknown) => Promise.reject(relabel(err, file)));
    const p = this.lookup(key).then((cached) => cached ?? this.parseWasm(file, content, key));
    this.memo.set(key, p);
    return p;
  }

  /**
   * Parse many files: cached ones are read from the persistent cache; the rest are wrapped as
   * blocks of one document per batch (one WASM call instead of one per file). A batch that fails,
   * or whose shape is not one block per file, falls back to parsing its files one by one, so
   * errors keep their own file:line.
   */
  async parseMany(files: HclSource[], batchSize = 100): Promise<HclJson[]> {
    const keyed = files.map((f) => ({ ...f, key: f.key ?? gitBlobId(f.content) }));
    const fresh = [
      ...new Map(keyed.filter((f) => !this.memo.has(f.key)).map((f) => [f.key, f])).values(),
    ];
    const cached = await Promise.all(fresh.map((f) => this.lookup(f.key)));
    const misses: typeof fresh = [];
    fresh.forEach((f, i) => {
      const json = cached[i];
      if (json) this.memo.set(f.key, Promise.resolve(json));
      else misses.push(f);
    });
    if (misses.length > 0) {
      const parse = await wasmParse();
      for (let i = 0; i < misses.length; i += batchSize) {
        const batch = misses.slice(i, i + batchSize);
        const doc = batch.map((f, j) => `f${j} {\n${f.content}\n}\n`).join('');
        this.parses += 1;
        const json = await parse('batch.hcl', doc).catch(() => undefined);
        batch.forEach((f, j) => {
          const bodies = (json as Record<string, unknown> | undefined)?.[`f${j}`];
          const ok =
            json !== undefined &&
            Object.keys(json as object).length === batch.length &&
            Array.isArray(bodies) &&
            bodies.length === 1;
          if (ok) this.store(f.key, bodies[0] as HclJson);
        });
      }
    }
    return Promise.all(keyed.map((f) => this.parse(f.file, f.content, f.key)));
  }

  /** Wait for pending cache writes (call before the process exits). */
  async flush(): Promise<void> {
    await Promise.all(this.writes.splice(0));
  }

  /**
   * Look `keys` up in the persistent cache ahead of parsing, and start loading the WASM parser
   * as soon as one is missing, so that its compilation overlaps the caller's other work.
   */
  async prefetch(keys: Iterable<string>): Promise<void> {
    await Promise.all(
      [...new Set(keys)].map(async (key) => {
        if (this.memo.has(key)) return;
        if ((await this.lookup(key)) === undefined) warmUpParser();
      }),
    );
  }

  /** The persistent cache's entry for `key`, read at most once per run. */
  private lookup(key: string): Promise<HclJson | undefined> {
    let hit = this.lookups.get(key);
    if (!hit) {
      hit = this.fromCache(key);
      this.lookups.set(key, hit);
    }
    return hit;
  }

  private async fromCache(key: string): Promise<HclJson | undefined> {
    const json = await this.cache?.get(key);
    if (json) {
      this.cacheHits += 1;
    }
    return json;
  }

  private async parseWasm(file: string, content: string, key: string): Promise<HclJson> {
    const parse = await wasmParse();
    this.parses += 1;
    let json: HclJson;
    try {
      json = (await parse(file, content)) as HclJson;
    } catch (err) {
      throw toCliError(err, file);
    }
    this.save(key, json);
    return json;
  }

  private store(key: string, json: HclJson): void {
    this.memo.set(key, Promise.resolve(json));
    this.save(key, json);
  }

  private save(key: string, json: HclJson): void {
    if (this.cache) this.writes.push(this.cache.set(key, json));
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

const patterns = new Map<string, RegExp>();

/** A pattern built once per key: the same block and attribute names recur in every unit. */
function memoPattern(key: string, source: () => string): RegExp {
  let re = patterns.get(key);
  if (!re) {
    re = new RegExp(source(), 'm');
    patterns.set(key, re);
  }
  return re;
}

/** Regex that finds the header of block `type "label"` (label optional). */
export function blockPattern(type: string, label?: string): RegExp {
  return memoPattern(`block\0${type}\0${label ?? '\0'}`, () => {
    const l = label === undefined ? '' : `\\s*"${escapeRe(label)}"`;
    return `^[ \\t]*${escapeRe(type)}${l}\\s*(\\{|")`;
  });
}

/** Regex that finds `name =` (an attribute assignment). */
export function attributePattern(name: string): RegExp {
  return memoPattern(`attr\0${name}`, () => `^[ \\t]*${escapeRe(name)}\\s*=`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
