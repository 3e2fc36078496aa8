/**
 * The repository's workflows, composite actions and Markdown files run the project's CLIs from the
 * checkout, never through a name the public registry could answer (issue #11, part 1).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeDistCalls, registryFallthroughs, workspaceArgs } from '../src/invocations.js';
import { sourcesOf, workspacesOf } from './support/repo-sources.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const workspaces = await workspacesOf(root);
const sources = sourcesOf(root);
const all = [...sources.workflows, ...sources.markdown];
const where = (p: { file: string; line: number }) => `${p.file}:${p.line}`;

describe('project CLIs never come from the public registry', () => {
  it('reads the workflows, the READMEs and the workspaces', () => {
    expect(sources.workflows.length).toBeGreaterThan(10);
    expect(sources.markdownFiles).toContain('README.md');
    expect(sources.markdownFiles).toContain('tools/infra-ci/README.md');
    expect(workspaces.map((w) => w.dir)).toContain('tools/infra-ci');
  });

  it('the root and every workspace package are scoped @demo-app/', () => {
    expect(workspaces.filter((w) => !w.name.startsWith('@demo-app/')).map((w) => w.dir)).toEqual(
      [],
    );
    const rootPkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name?: string };
    expect(rootPkg.name).toMatch(/^@demo-app\//);
  });

  it('no workflow, composite action or Markdown file calls npx / npm exec without --no-install', () => {
    expect(registryFallthroughs(all).map((p) => `${where(p)} ${p.message}`)).toEqual([]);
  });

  it('every -w / --workspace names a workspace folder or its @demo-app/ name', () => {
    const known = new Set(workspaces.flatMap((w) => [w.dir, w.name]));
    const unknown = workspaceArgs(all).filter((a) => !known.has(a.value));
    expect(unknown.map((a) => `${where(a)} -w ${a.value}`)).toEqual([]);
  });

  it('every `node …/dist/….js` call points into a workspace', () => {
    const dirs = workspaces.map((w) => w.dir);
    const calls = nodeDistCalls(all, dirs);
    expect(calls.length).toBeGreaterThan(0);
    const outside = calls.filter((c) => !dirs.some((d) => c.target.startsWith(`${d}/dist/`)));
    expect(outside.map((c) => `${where(c)} node ${c.written}`)).toEqual([]);
  });

  it('every workspace bin is documented as a `node <workspace>/dist/…` call', () => {
    const named = new Set(
      nodeDistCalls(
        all,
        workspaces.map((w) => w.dir),
      ).map((c) => c.target),
    );
    const bins = workspaces.flatMap((w) => Object.entries(w.bins));
    expect(bins.length).toBeGreaterThanOrEqual(4);
    expect(bins.filter(([, target]) => !named.has(target)).map(([b]) => b)).toEqual([]);
  });
});
