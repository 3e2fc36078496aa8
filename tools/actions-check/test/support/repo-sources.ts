/**
 * The repository's places that run commands (workflows, composite actions, Markdown files) and its
 * workspaces, read from a checkout: the live repository or a fresh clone of it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type CodeSnippet, markdownCode, runScripts } from '../../src/invocations.js';

export interface Workspace {
  /** Folder relative to the repository root, e.g. `tools/infra-ci`. */
  dir: string;
  name: string;
  /** bin name → repository-relative target, e.g. `tools/infra-ci/dist/cli/main.js`. */
  bins: Record<string, string>;
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  bin?: string | Record<string, string>;
}

const readJson = (file: string): PackageJson =>
  JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/** Workspaces of the root package.json (entries are folders or `folder/*`). */
export async function workspacesOf(root: string): Promise<Workspace[]> {
  const dirs: string[] = [];
  for (const pattern of readJson(join(root, 'package.json')).workspaces ?? []) {
    if (!pattern.endsWith('/*')) {
      dirs.push(pattern);
      continue;
    }
    const parent = pattern.slice(0, -2);
    for (const e of await readdir(join(root, parent), { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'node_modules') dirs.push(`${parent}/${e.name}`);
    }
  }
  const out: Workspace[] = [];
  for (const dir of dirs.sort()) {
    let pkg: PackageJson;
    try {
      pkg = readJson(join(root, dir, 'package.json'));
    } catch {
      continue; // a folder without package.json is not a workspace
    }
    const name = pkg.name ?? '';
    const raw = typeof pkg.bin === 'string' ? { [name]: pkg.bin } : (pkg.bin ?? {});
    const bins = Object.fromEntries(
      Object.entries(raw).map(([b, t]) => [b, join(dir, t).split('\\').join('/')]),
    );
    out.push({ dir, name, bins });
  }
  return out;
}

/** Files git knows (tracked, or new and not ignored), repository-relative. */
function gitFiles(root: string, ...patterns: string[]): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...patterns],
    { cwd: root, encoding: 'utf8' },
  );
  return [...new Set(out.split('\n').filter((l) => l !== ''))].sort();
}

export interface Sources {
  workflows: CodeSnippet[];
  markdown: CodeSnippet[];
  /** Repository-relative Markdown files read. */
  markdownFiles: string[];
}

/** Every `run:` of .github/ and the code of every Markdown file (not node_modules). */
export function sourcesOf(root: string): Sources {
  const yml = gitFiles(root, '.github/*.yml', '.github/*.yaml');
  const md = gitFiles(root, '*.md').filter((f) => !f.includes('node_modules/'));
  const text = (f: string): string => readFileSync(join(root, f), 'utf8');
  return {
    workflows: yml.flatMap((f) => runScripts(f, text(f))),
    markdown: md.flatMap((f) => markdownCode(f, text(f))),
    markdownFiles: md,
  };
}
