import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { arr, get, str } from '../object-access.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

async function kind(p: string): Promise<'dir' | 'file' | undefined> {
  return stat(p).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => undefined,
  );
}

/** An inline patch (`patches: [{target, patch}]`) of a kustomization file, for source attribution. */
export interface InlinePatch {
  /** Absolute path of the kustomization.yaml holding the patch. */
  readonly file: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * The local YAML files a kustomize build of `dir` reads (resources, patches, components, recursively),
 * so findings can name the file that declares an object rather than the folder that was built.
 * Remote resources are ignored. Absolute paths, without duplicates. The kustomization files
 * themselves are added to `configs` (their `images:` entries set images, see source-index.ts).
 */
export async function collectKustomizeFiles(
  dir: string,
  inline: InlinePatch[] = [],
  seen = new Set<string>(),
  configs: string[] = [],
): Promise<string[]> {
  const abs = resolve(dir);
  if (seen.has(abs)) return [];
  seen.add(abs);
  let config: unknown;
  let configFile = '';
  for (const name of KUSTOMIZATION_FILES) {
    const text = await readFile(join(abs, name), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      config = parse(text);
      configFile = join(abs, name);
      break;
    }
  }
  if (config === undefined) return [];
  configs.push(configFile);
  for (const p of arr(get(config, 'patches'))) {
    const kindName = str(get(p, 'target', 'kind'));
    const name = str(get(p, 'target', 'name'));
    if (str(get(p, 'patch')) !== undefined && kindName !== undefined && name !== undefined) {
      inline.push({ file: configFile, kind: kindName, name });
    }
  }
  const entries = [
    ...arr(get(config, 'resources')),
    ...arr(get(config, 'components')),
    ...arr(get(config, 'patchesStrategicMerge')),
    ...arr(get(config, 'patches')).map((p) => get(p, 'path')),
  ].flatMap((e) => str(e) ?? []);
  const out: string[] = [];
  for (const entry of entries) {
    if (/^[a-z]+:\/\//.test(entry) || entry.startsWith('github.com/')) continue;
    const p = resolve(abs, entry);
    const k = await kind(p);
    if (k === 'dir') out.push(...(await collectKustomizeFiles(p, inline, seen, configs)));
    else if (k === 'file' && !out.includes(p)) out.push(p);
  }
  return out;
}
