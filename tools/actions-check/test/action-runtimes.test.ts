import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findActionRefs } from '../src/action-refs.js';
import { PINNED_ACTIONS, runtimeProblems } from '../src/action-runtimes.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('runtimeProblems', () => {
  const checkout = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1';

  it('accepts a node24 pin whose comment names its release, and local actions', () => {
    expect(runtimeProblems(checkout, ' v7.0.1')).toEqual([]);
    expect(runtimeProblems('./.github/actions/setup', undefined)).toEqual([]);
  });

  it('flags an unknown SHA, a node20 action and a comment that names another release', () => {
    expect(
      runtimeProblems('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', ' v4.2.2'),
    ).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('not in src/action-runtimes.ts'),
      }),
    ]);
    expect(runtimeProblems(checkout, ' v7.0.0')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('the SHA is v7.0.1') }),
    ]);
  });

  it('every table row is a full SHA with a runtime', () => {
    for (const [uses, row] of Object.entries(PINNED_ACTIONS)) {
      expect(uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
      expect(row.version).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });
});

describe("the repository's pinned actions run on the runners' current Node", async () => {
  const entries = await readdir(join(root, '.github'), { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();

  it.each(files)('%s', async (file) => {
    const refs = findActionRefs(await readFile(join(root, file), 'utf8'));
    expect(refs.flatMap((r) => runtimeProblems(r.uses, r.comment)).map((p) => p.message)).toEqual(
      [],
    );
  });
});
