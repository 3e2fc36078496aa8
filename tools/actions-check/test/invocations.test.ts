import { describe, expect, it } from 'vitest';
import {
  commands,
  execCalls,
  markdownCode,
  nodeDistCalls,
  registryFallthroughs,
  runScripts,
  workspaceArgs,
} from '../src/invocations.js';

const snip = (code: string, file = 'README.md') => [{ file, line: 1, code }];

describe('registryFallthroughs', () => {
  it.each([
    'npx infra-ci plan',
    'npx set-image-digest --file x',
    'npm run build -w tools/release && npx failover --help',
    'npm exec -w tools/infra-ci -- infra-ci --help',
    'npm x deploy-check',
    'npx --yes vitest run',
  ])('flags %s', (code) => {
    const problems = registryFallthroughs(snip(code));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/without --no-install/);
  });

  it.each([
    'npx --no-install vitest run app/',
    'npm exec --no-install -w tools/infra-ci -- infra-ci --help',
    'node tools/infra-ci/dist/cli/main.js plan',
    'npm run build -w tools/infra-ci',
    'npx', // the word alone, as in prose
  ])('accepts %s', (code) => {
    expect(registryFallthroughs(snip(code))).toEqual([]);
  });

  it('names the line of the call inside a multi-line script', () => {
    const problems = registryFallthroughs([
      { file: 'w.yml', line: 10, code: 'npm run build\nnpx set-image-digest --digest "$D"\n' },
    ]);
    expect(problems.map((p) => [p.file, p.line])).toEqual([['w.yml', 11]]);
  });
});

describe('markdownCode', () => {
  it('reads fenced blocks and inline spans, not prose', () => {
    const md = [
      '# Title',
      'Run `npx infra-ci plan` or read npx docs.',
      '```sh',
      'npx failover --help',
      '```',
      'after `node a/dist/x.js`',
    ].join('\n');
    expect(markdownCode('R.md', md)).toEqual([
      { file: 'R.md', line: 4, code: 'npx failover --help\n' },
      { file: 'R.md', line: 2, code: 'npx infra-ci plan' },
      { file: 'R.md', line: 6, code: 'node a/dist/x.js' },
    ]);
    expect(registryFallthroughs(markdownCode('R.md', md))).toHaveLength(2);
  });
});

describe('runScripts', () => {
  it('returns every run: of steps and composite steps with its line', () => {
    const yml = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - uses: ./x',
      '      - run: npx infra-ci apply',
      'runs:',
      '  steps:',
      '    - shell: bash',
      '      run: |',
      '        npm ci',
    ].join('\n');
    expect(runScripts('w.yml', yml).map((s) => [s.line, s.code.trim()])).toEqual([
      [5, 'npx infra-ci apply'],
      [9, 'npm ci'],
    ]);
  });
});

describe('commands', () => {
  it('splits at && ; | and subshells', () => {
    expect(commands('(cd a && npx tsx b.ts); echo "x y" | cat').map((c) => c.argv)).toEqual([
      ['cd', 'a'],
      ['npx', 'tsx', 'b.ts'],
      ['echo', '"x y"'],
      ['cat'],
    ]);
  });
});

describe('nodeDistCalls', () => {
  const ws = ['tools/infra-ci', 'failover'];
  it('reads root-relative paths from the root and others from the Markdown folder', () => {
    const calls = nodeDistCalls(
      [
        { file: 'README.md', line: 1, code: 'node tools/infra-ci/dist/cli/main.js --help' },
        { file: 'failover/README.md', line: 3, code: 'kubectl exec x -- node dist/main.js run' },
        { file: 'app/README.md', line: 4, code: 'node server.js' },
      ],
      ws,
    );
    expect(calls.map((c) => c.target)).toEqual([
      'tools/infra-ci/dist/cli/main.js',
      'failover/dist/main.js',
    ]);
  });
});

describe('workspaceArgs', () => {
  it('reads -w, --workspace and --workspace= of npm commands only', () => {
    const got = workspaceArgs(
      snip(
        'npm run build -w infra-ci && npm test --workspace=app; git -w x; npm run a --workspace b',
      ),
    );
    expect(got.map((g) => g.value)).toEqual(['infra-ci', 'app', 'b']);
  });
});

describe('execCalls', () => {
  it('finds the command after options and --', () => {
    const got = execCalls(
      snip(
        'npx --no-install vitest run x && npm exec --no-install -w tools/infra-ci -- infra-ci plan',
      ),
    );
    expect(got.map((c) => [c.bin, c.argv.join(' ')])).toEqual([
      ['vitest', 'npx --no-install vitest'],
      ['infra-ci', 'npm exec --no-install -w tools/infra-ci -- infra-ci'],
    ]);
  });
});
