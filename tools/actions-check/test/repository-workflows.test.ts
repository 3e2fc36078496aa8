import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPinned, findActionRefs, isCompositeAction } from '../src/action-refs.js';
import { actionlint } from '../src/actionlint.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const githubDir = join(repoRoot, '.github');

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const workflows = await yamlFilesUnder(join(githubDir, 'workflows'));
const actions = (await yamlFilesUnder(join(githubDir, 'actions'))).filter((f) =>
  /action\.ya?ml$/.test(f),
);

describe('the repository workflows', () => {
  it('exist', () => {
    expect(workflows.length).toBeGreaterThan(0);
  });

  it.each(workflows.map((f) => relative(repoRoot, f)))('%s passes actionlint', async (file) => {
    const source = await readFile(join(repoRoot, file), 'utf8');
    const findings = (await actionlint(source, file)).map(
      (r) => `${r.file}:${r.line}:${r.column} ${r.message}`,
    );
    expect(findings).toEqual([]);
  });

  it.each([...workflows, ...actions].map((f) => relative(repoRoot, f)))(
    '%s pins every third-party action by commit SHA',
    async (file) => {
      const source = await readFile(join(repoRoot, file), 'utf8');
      expect(checkPinned(file, findActionRefs(source))).toEqual([]);
    },
  );

  it.each(actions.map((f) => relative(repoRoot, f)))('%s is a composite action', async (file) => {
    expect(isCompositeAction(await readFile(join(repoRoot, file), 'utf8'))).toBe(true);
  });
});
