/**
 * A cache of evaluated units, next to the parse cache. Evaluating a unit is a function of the
 * contents of the files it reads, of whether the paths it looked for exist (files or folders), of
 * the files its globs match, and of infra-ci's own code: an entry records exactly those (git blob
 * ids, existence, a hash of the matches) and is used only when every one is the same in the tree
 * at hand, so it cannot go stale. Keyed by repository root, --root and a hash of the evaluator's
 * code. Only trees read from git (blob ids known) use it. One JSON file per key, written whole to a
 * temporary file renamed into place (concurrent runs see an old or a new file, never a torn one).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Location } from '../terragrunt/blocks.js';
import type { UnitConfig } from '../terragrunt/evaluate.js';
import { globToRegExp } from '../terragrunt/paths.js';
import type { Tree } from '../terragrunt/tree.js';

const FORMAT = 1;
/** Versions kept per unit: the base's and the head's of a pull request. */
const KEEP = 2;

type Stored = Omit<UnitConfig, 'inputs'> & { inputs: [string, Location][] | null };
interface Entry {
  /** Indexes into `states`: the (path, state) pairs the evaluation depended on. */
  s: number[];
  /** [glob, hash of its sorted matches]. */
  g: [string, string][];
  c: Stored;
}
interface FileData {
  format: number;
  states: [string, string][];
  units: Record<string, Entry[]>;
}

let codeHash: string | undefined;
/** A hash of the evaluator's code (this build's hcl/ and terragrunt/ modules). */
function evaluatorCode(): string {
  if (codeHash !== undefined) return codeHash;
  const h = createHash('sha1');
  const srcRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  for (const sub of ['hcl', 'terragrunt', 'cache']) {
    const folder = path.join(srcRoot, sub);
    for (const f of readdirSync(folder).sort()) {
      if (/\.(js|ts)$/.test(f)) h.update(f).update(readFileSync(path.join(folder, f)));
    }
  }
  codeHash = h.digest('hex');
  return codeHash;
}

export class EvalCache {
  private readonly file: string;
  private data: FileData | undefined;
  private dirty = false;
  private readonly stateIndex = new Map<string, number>();
  /** Units looked up or stored by this run: the others (deleted units) are dropped on write. */
  private readonly seen = new Set<string>();

  /**
   * @param dir cache folder (the parse cache's)
   * @param scope what else the answer depends on: repository root and --root
   */
  constructor(dir: string, scope: string) {
    const key = createHash('sha1').update(`${FORMAT}\0${evaluatorCode()}\0${scope}`).digest('hex');
    this.file = path.join(dir, 'units', `${key}.json`);
  }

  private load(): FileData {
    if (this.data) return this.data;
    let data: FileData = { format: FORMAT, states: [], units: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as FileData;
      if (parsed.format === FORMAT && Array.isArray(parsed.states)) data = parsed;
    } catch {
      // absent or corrupted: start empty
    }
    data.states.forEach(([p, s], i) => {
      this.stateIndex.set(`${p}\0${s}`, i);
    });
    this.data = data;
    return data;
  }

  /** The cached evaluation of unit `id` valid in `tree`, if any. */
  lookup(id: string, tree: Tree, folders: ReadonlySet<string>): UnitConfig | undefined {
    if (!tree.blobId) return undefined;
    const data = this.load();
    this.seen.add(id);
    for (const e of data.units[id] ?? []) {
      const ok =
        e.s.every((i) => {
          const [p, s] = data.states[i] ?? ['', '?'];
          return stateOf(p, tree, folders) === s;
        }) && e.g.every(([glob, h]) => matchesHash(glob, tree) === h);
      if (ok) return { ...e.c, inputs: e.c.inputs === null ? undefined : new Map(e.c.inputs) };
    }
    return undefined;
  }

  /** Record the evaluation of `cfg` in `tree`. */
  store(cfg: UnitConfig, tree: Tree, folders: ReadonlySet<string>): void {
    if (!tree.blobId) return;
    const data = this.load();
    const paths = new Set([...cfg.reads, ...cfg.probes]);
    const s = [...paths].map((p) => {
      const st = stateOf(p, tree, folders);
      const k = `${p}\0${st}`;
      let i = this.stateIndex.get(k);
      if (i === undefined) {
        i = data.states.push([p, st]) - 1;
        this.stateIndex.set(k, i);
      }
      return i;
    });
    const entry: Entry = {
      s,
      g: cfg.globs.map((g) => [g, matchesHash(g, tree)]),
      c: { ...cfg, inputs: cfg.inputs === undefined ? null : [...cfg.inputs] },
    };
    data.units[cfg.id] = [entry, ...(data.units[cfg.id] ?? [])].slice(0, KEEP);
    this.seen.add(cfg.id);
    this.dirty = true;
  }

  /** Write the file when something was stored. Best effort: a failed write is not an error. */
  flush(): void {
    if (!this.dirty || !this.data) return;
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(compact(this.data, this.seen)));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}

/** The units seen, and only the (path, state) pairs their entries use, renumbered. */
function compact(data: FileData, seen: ReadonlySet<string>): FileData {
  const used = new Map<number, number>();
  const states: [string, string][] = [];
  const units: Record<string, Entry[]> = {};
  for (const [id, entries] of Object.entries(data.units)) {
    if (!seen.has(id)) continue;
    units[id] = entries.map((e) => ({
      ...e,
      s: e.s.map((i) => {
        let j = used.get(i);
        if (j === undefined) {
          j = states.push(data.states[i] as [string, string]) - 1;
          used.set(i, j);
        }
        return j;
      }),
    }));
  }
  return { format: FORMAT, states, units };
}

/** A path's state: its blob id, "d" for a folder, "-" when absent. */
function stateOf(p: string, tree: Tree, folders: ReadonlySet<string>): string {
  return tree.blobId?.(p) ?? (folders.has(p) ? 'd' : '-');
}

function matchesHash(glob: string, tree: Tree): string {
  const re = globToRegExp(glob);
  const h = createHash('sha1');
  for (const f of [...tree.files].filter((x) => re.test(x)).sort()) h.update(`${f}\0`);
  return h.digest('hex');
}
