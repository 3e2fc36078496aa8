import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The JSON form of a parsed HCL file (as hcl2json returns it). */
export type ParsedJson = Record<string, unknown>;

/**
 * A store of parsed HCL keyed by content address (the git blob id of the file's content). Parsing
 * is a pure function of the content, so an entry never goes stale; only a different parser (or a
 * different entry format) invalidates it, which the `tag` of each entry records.
 */
export interface ParseCache {
  /** The parsed JSON for `key`, or undefined when absent, unreadable, corrupted or of another tag. */
  get(key: string): Promise<ParsedJson | undefined>;
  /** Store the parsed JSON for `key`. Best effort: a failed write is not an error. */
  set(key: string, json: ParsedJson): Promise<void>;
  /** False when the cache surely has no entry for this parser (e.g. its folder does not exist). */
  mayHaveEntries(): boolean;
}

/** Git's blob id (SHA-1) of a text: the key of its parse, equal to `git hash-object`. */
export function gitBlobId(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

const KEY = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * A parse cache in a folder: one file per key, `<dir>/hcl/<hash of tag>/<key[0..2]>/<key>.json`,
 * holding `{tag, key, json}` (entries of two parser versions live side by side). Reads ignore
 * entries that are not valid JSON, name another key or carry another tag; writes go to a temporary file renamed into place, so a
 * concurrent reader sees either no entry or a whole one.
 * @param dir cache folder (created on first write)
 * @param tag parser identity, e.g. "@cdktf/hcl2json@0.21.0;format=1"
 */
export function dirParseCache(dir: string, tag: string): ParseCache {
  const made = new Set<string>();
  const space = createHash('sha1').update(tag).digest('hex').slice(0, 12);
  const fileOf = (key: string): string =>
    path.join(dir, 'hcl', space, key.slice(0, 2), `${key}.json`);
  return {
    mayHaveEntries: () => existsSync(path.join(dir, 'hcl', space)),
    async get(key) {
      if (!KEY.test(key)) return undefined;
      let text: string;
      try {
        // Synchronous on purpose: hundreds of small reads are ~10x faster than fs/promises.
        text = readFileSync(fileOf(key), 'utf8');
      } catch {
        return undefined;
      }
      try {
        const entry = JSON.parse(text) as { tag?: unknown; key?: unknown; json?: unknown };
        const json = entry.json;
        if (entry.tag !== tag || entry.key !== key) return undefined;
        if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
        return json as ParsedJson;
      } catch {
        return undefined;
      }
    },
    async set(key, json) {
      if (!KEY.test(key)) return;
      const file = fileOf(key);
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      // Synchronous, like reads: a cold run writes hundreds of small entries.
      try {
        const folder = path.dirname(file);
        if (!made.has(folder)) {
          mkdirSync(folder, { recursive: true });
          made.add(folder);
        }
        writeFileSync(tmp, JSON.stringify({ tag, key, json }));
        renameSync(tmp, file);
      } catch {
        try {
          rmSync(tmp, { force: true });
        } catch {
          // nothing to clean up
        }
      }
    },
  };
}
