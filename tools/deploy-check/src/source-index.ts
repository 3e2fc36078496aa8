import type { SourceDoc } from './flux.js';
import { get, identity } from './object-access.js';

/**
 * Maps `Kind/name` to the files (relative to the repository root) that declare it, so findings about
 * rendered objects can name the file to edit. Kustomize files and patches are included; the file
 * with the fullest declaration comes first, patches after it.
 */
export type SourceIndex = ReadonlyMap<string, readonly string[]>;

/** Index key of the kustomization files whose `images:` entries use variable `name`. */
export const imageVarKey = (name: string) => `images:\${${name}}`;

/** Names of the `${VAR…}` references in `text`. */
export function varNames(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].flatMap((m) => m[1] ?? []);
}

export function buildSourceIndex(docs: readonly SourceDoc[]): SourceIndex {
  const sized = new Map<string, { file: string; size: number }[]>();
  const imageVars = new Map<string, string[]>();
  for (const { file, doc } of docs) {
    // A kustomization's `images:` entry sets the image: a `${VAR}` in it is that file's doing.
    if (String(get(doc, 'apiVersion')).startsWith('kustomize.config.k8s.io/')) {
      const images = get(doc, 'images');
      for (const entry of Array.isArray(images) ? images : []) {
        for (const field of ['newName', 'newTag', 'digest']) {
          const value = get(entry, field);
          if (typeof value !== 'string') continue;
          for (const v of varNames(value)) {
            const list = imageVars.get(imageVarKey(v)) ?? [];
            if (!list.includes(file)) list.push(file);
            imageVars.set(imageVarKey(v), list);
          }
        }
      }
    }
    const { kind, name } = identity(doc);
    if (kind === '' || name === '' || get(doc, 'apiVersion') === undefined) continue;
    const key = `${kind}/${name}`;
    const list = sized.get(key) ?? [];
    if (!list.some((e) => e.file === file)) list.push({ file, size: JSON.stringify(doc).length });
    sized.set(key, list);
  }
  const out = new Map<string, string[]>(imageVars);
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

/**
 * The file to name for a finding about `${...}` in `field` of `kind/name`: for a container's `image`
 * whose variable comes from a kustomization's `images:` entry, that kustomization file (the base
 * declaration only has the placeholder name); otherwise sourceFileOf().
 */
export function sourceFileOfField(
  index: SourceIndex,
  kind: string,
  name: string,
  fallback: string,
  field: string,
  vars: readonly string[],
): string {
  if (/(^|\.)(initContainers|containers)\[\d+\]\.image$/.test(field)) {
    for (const v of vars) {
      const files = index.get(imageVarKey(v));
      if (files !== undefined && files.length > 0) return `${files.join(', ')} (images:)`;
    }
  }
  return sourceFileOf(index, kind, name, fallback);
}
