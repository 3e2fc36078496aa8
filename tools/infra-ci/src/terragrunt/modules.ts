import path from 'node:path';
import type { HclParser } from '../hcl/parse.js';
import { isLocalSource, toRel } from './paths.js';
import type { Tree } from './tree.js';

/**
 * Local Terraform modules of a tree: the files under a module folder, and the local modules a
 * module calls (`module "x" { source = "../y" }`), transitively. Folders are relative to the
 * repository root; each is listed and parsed once.
 */
export class ModuleIndex {
  private readonly sorted: string[];
  private readonly files = new Map<string, string[]>();
  private readonly calls = new Map<string, Promise<string[]>>();

  constructor(
    private readonly tree: Tree,
    private readonly parser: HclParser,
    private readonly lenient: boolean,
  ) {
    this.sorted = [...tree.files].sort();
  }

  /** Every file under `dir` (relative to the repository root). */
  filesUnder(dir: string): string[] {
    let hit = this.files.get(dir);
    if (!hit) {
      const p = dir === '' ? '' : `${dir}/`;
      hit = this.sorted.filter((f) => f.startsWith(p));
      this.files.set(dir, hit);
    }
    return hit;
  }

  /** `dir` and every local module folder it calls, transitively, sorted. */
  async closure(dir: string): Promise<string[]> {
    const seen = new Set<string>([dir]);
    const todo = [dir];
    while (todo.length > 0) {
      const d = todo.pop() as string;
      for (const c of await this.localCalls(d)) {
        if (!seen.has(c)) {
          seen.add(c);
          todo.push(c);
        }
      }
    }
    return [...seen].sort();
  }

  private localCalls(dir: string): Promise<string[]> {
    let hit = this.calls.get(dir);
    if (!hit) {
      hit = this.findCalls(dir);
      this.calls.set(dir, hit);
    }
    return hit;
  }

  private async findCalls(dir: string): Promise<string[]> {
    const tfs = this.filesUnder(dir).filter(
      (f) => f.endsWith('.tf') && path.posix.dirname(f) === (dir === '' ? '.' : dir),
    );
    const out: string[] = [];
    for (const file of tfs) {
      let json: Record<string, unknown>;
      try {
        json = await this.parser.parse(file, await this.tree.read(file));
      } catch (err) {
        if (this.lenient) continue;
        throw err;
      }
      const mods = json.module;
      if (typeof mods !== 'object' || mods === null) continue;
      for (const bodies of Object.values(mods)) {
        for (const body of Array.isArray(bodies) ? bodies : [bodies]) {
          const source = (body as Record<string, unknown>).source;
          if (typeof source !== 'string' || !isLocalSource(source) || source.includes('${'))
            continue;
          try {
            const target = toRel(this.tree.repoRoot, dir, source);
            if (this.filesUnder(target).length > 0) out.push(target);
          } catch {
            // a source leaving the repository: not ours to track
          }
        }
      }
    }
    return out;
  }
}
