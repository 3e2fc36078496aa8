import { describe, expect, it } from 'vitest';
import { checkPinned, findActionRefs } from '../src/action-refs.js';
import { actionlint } from '../src/actionlint.js';

const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';

const workflow = `on: push
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@${SHA} # v4.2.2
      - uses: ./.github/actions/setup
      - uses: actions/setup-node@v4
      - uses: some/action@${SHA}
      - uses: docker://alpine:3.20
  b:
    uses: org/repo/.github/workflows/x.yml@main
`;

describe('action pinning', () => {
  it('finds every uses with its line', () => {
    expect(findActionRefs(workflow).map((r) => [r.uses, r.line])).toEqual([
      [`actions/checkout@${SHA}`, 6],
      ['./.github/actions/setup', 7],
      ['actions/setup-node@v4', 8],
      [`some/action@${SHA}`, 9],
      ['docker://alpine:3.20', 10],
      ['org/repo/.github/workflows/x.yml@main', 12],
    ]);
  });

  it('flags tags, missing version comments, unpinned images and reusable workflows on a branch', () => {
    const problems = checkPinned('wf.yml', findActionRefs(workflow));
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      'wf.yml:8 actions/setup-node@v4: pin third-party actions by full 40-character commit SHA',
      `wf.yml:9 some/action@${SHA}: add a "# vX.Y.Z" comment naming the release the SHA points to`,
      'wf.yml:10 docker://alpine:3.20: pin the image by @sha256 digest',
      'wf.yml:12 org/repo/.github/workflows/x.yml@main: pin third-party actions by full 40-character commit SHA',
    ]);
  });
});

describe('actionlint adapter', () => {
  const withConcurrency = (extra: string) =>
    `on: push\nconcurrency:\n  group: g\n  cancel-in-progress: false\n${extra}jobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo hi\n`;

  it('accepts concurrency.queue (newer than the embedded actionlint), nothing else unknown', async () => {
    expect(await actionlint(withConcurrency('  queue: max\n'), 'w.yml')).toEqual([]);
    expect(await actionlint(withConcurrency('  line: max\n'), 'w.yml')).toEqual([
      expect.objectContaining({ line: 5, kind: 'syntax-check' }),
    ]);
  });

  it('reports a real finding with its line', async () => {
    const findings = await actionlint(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.x }}\n',
      'w.yml',
    );
    expect(findings).toEqual([
      expect.objectContaining({ file: 'w.yml', line: 6, kind: 'expression' }),
    ]);
  });
});
