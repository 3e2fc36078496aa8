import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { SourceDoc } from '../flux.js';
import type { Finding } from '../model.js';

/** Lists `*.yaml`/`*.yml` files under `dir`, recursively, sorted, skipping folders named in `skip`. */
export async function listYamlFiles(dir: string, skip: readonly string[] = []): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.includes(e.name)) out.push(...(await listYamlFiles(full, skip)));
    } else if (/\.ya?ml$/.test(e.name)) {
      out.push(full);
    }
  }
  return out;
}

/** Repository-relative path with forward slashes (the rule of model.ts). */
export function repoRelative(repoRoot: string, file: string): string {
  return relative(repoRoot, file).split(sep).join('/');
}

/** Parses every YAML document of the given files; syntax errors become findings. */
export async function readYamlDocs(
  repoRoot: string,
  files: readonly string[],
): Promise<{ docs: SourceDoc[]; findings: Finding[] }> {
  const docs: SourceDoc[] = [];
  const findings: Finding[] = [];
  for (const full of files) {
    const file = repoRelative(repoRoot, full);
    for (const d of parseAllDocuments(await readFile(full, 'utf8'))) {
      if (d.errors.length > 0) {
        const first = d.errors[0];
        const pos = first?.linePos?.[0];
        findings.push({
          check: 'yaml',
          file,
          kind: '',
          name: '',
          field: pos === undefined ? '' : `line ${pos.line}, column ${pos.col}`,
          message: `is not valid YAML: ${first?.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'parse error'}`,
        });
        continue;
      }
      const doc: unknown = d.toJS();
      if (doc !== null && doc !== undefined) docs.push({ file, doc });
    }
  }
  return { docs, findings };
}
