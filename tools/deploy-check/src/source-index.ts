import type { SourceDoc } from './flux.js';
import { get, identity } from './object-access.js';

/**
 * Maps `Kind/name` to the files (relative to the repository root) that declare it, so findings about
 * rendered objects can name the file to edit. Kustomize files and patches are included; the file
 * with the fullest declaration comes first, patches after it.
 */
export type SourceIndex = ReadonlyMap<string, readonly string[]>;

export function buildSourceIndex(docs: readonly SourceDoc[]): SourceIndex {
  const sized = new Map<string, { file: string; size: number }[]>();
  for (const { file, doc } of docs) {
    const { kind, name } = identity(doc);
    if (kind === '' || name === '' || get(doc, 'apiVersion') === undefined) continue;
    const key = `${kind}/${name}`;
    const list = sized.get(key) ?? [];
    if (!list.some((e) => e.file === file)) list.push({ file, size: JSON.stringify(doc).length });
    sized.set(key, list);
  }
  const out = new Map<string, string[]>();
  for (const [key, list] of sized) {
    out.set(
      key,
      list.sort((a, b) => b.size - a.size).map((e) => e.file),
    );
  }
  return out;
}

/** The file to name for `kind/name`, e.g. `deploy/apps/base/x.yaml (patched in deploy/apps/production/p.yaml)`. */
export function sourceFileOf(
  index: SourceIndex,
  kind: string,
  name: string,
  fallback: string,
): string {
  const files = index.get(`${kind}/${name}`);
  if (files === undefined || files.length === 0) return fallback;
  const [first, ...rest] = files;
  return rest.length === 0 ? `${first}` : `${first} (patched in ${rest.join(', ')})`;
}
