/**
 * infra-ci's graph against `terragrunt find --json --dag --dependencies --reading`
 * (gruntwork-io/terragrunt v1.1.3 internal/cli/commands/find/find.go FoundComponent: type, path,
 * dependencies, reading; paths relative to the folder find ran in).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compareWithTerragrunt,
  comparisonReport,
  type FoundComponent,
  parseFindJson,
} from '../src/graph/crosscheck.js';
import type { Unit, UnitGraph } from '../src/terragrunt/load.js';
import { CLI_MAIN } from './helpers/cli.js';
import { E, infraTree, TempRepo } from './helpers/repo.js';

const R = '/repo';
const L = 'live';
const u = (id: string, extra: Partial<Unit> = {}): Unit => ({
  id,
  dependencies: [],
  reads: [`${id}/terragrunt.hcl`, `${L}/root.hcl`],
  moduleDirs: [],
  ...extra,
});
const graph = (...units: Unit[]): UnitGraph => ({
  units: Object.fromEntries(units.map((x) => [x.id, x])),
});
const vpc = u(`${L}/prod/vpc`, { moduleDirs: ['modules/vpc'] });
const db = u(`${L}/prod/db`, { dependencies: [`${L}/prod/vpc`] });
const agreeing: FoundComponent[] = [
  { type: 'unit', path: 'prod/vpc', reading: ['root.hcl', '../modules/vpc/main.tf'] },
  { type: 'unit', path: 'prod/db', dependencies: ['prod/vpc'], reading: ['root.hcl'] },
];

describe('compareWithTerragrunt (pure)', () => {
  it('agrees when units, edges and reads match (infra-ci may read more)', () => {
    const c = compareWithTerragrunt(agreeing, graph(vpc, db), L, R);
    expect(c).toEqual({ differences: [], notes: [] });
    expect(comparisonReport(c, 2)).toBe(
      'infra-ci and terragrunt find agree on 2 units: units, dependency edges and reads.\n',
    );
  });

  it('reports a unit, an edge and a read that differ, as a table', () => {
    const found: FoundComponent[] = [
      { type: 'unit', path: 'prod/vpc', reading: ['root.hcl', 'prod/region.hcl'] },
      { type: 'unit', path: 'prod/db', dependencies: [] },
      { type: 'unit', path: 'prod/cache' },
    ];
    const c = compareWithTerragrunt(
      found,
      graph(vpc, db, u(`${L}/prod/stack`, { kind: 'stack' })),
      L,
      R,
    );
    expect(c.differences).toEqual([
      { what: 'unit', unit: `${L}/prod/cache`, terragrunt: 'unit', infraCi: '' },
      { what: 'edge', unit: `${L}/prod/db`, terragrunt: '', infraCi: `→ ${L}/prod/vpc` },
      { what: 'stack', unit: `${L}/prod/stack`, terragrunt: '', infraCi: 'stack' },
      { what: 'read', unit: `${L}/prod/vpc`, terragrunt: `${L}/prod/region.hcl`, infraCi: '' },
    ]);
    expect(comparisonReport(c, 3)).toBe(
      [
        'infra-ci and terragrunt find differ (4):',
        '',
        '| what | unit | terragrunt | infra-ci |',
        '| --- | --- | --- | --- |',
        `| unit | \`${L}/prod/cache\` | \`unit\` | — |`,
        `| edge | \`${L}/prod/db\` | — | \`→ ${L}/prod/vpc\` |`,
        `| stack | \`${L}/prod/stack\` | — | \`stack\` |`,
        `| read | \`${L}/prod/vpc\` | \`${L}/prod/region.hcl\` | — |`,
        '',
      ].join('\n'),
    );
  });

  it('a read infra-ci lacks does not count for a unit it always treats as changed', () => {
    const found: FoundComponent[] = [{ type: 'unit', path: 'prod/vpc', reading: ['x.hcl'] }];
    const c = compareWithTerragrunt(found, graph(u(`${L}/prod/vpc`, { unknown: ['why'] })), L, R);
    expect(c.differences).toEqual([]);
  });

  it('an edge Terragrunt has and infra-ci lacks, absolute paths, and a root configuration', () => {
    const found: FoundComponent[] = [
      { type: 'unit', path: '.' },
      { type: 'unit', path: `${R}/${L}/prod/db`, dependencies: [`${R}/${L}/prod/vpc`] },
      { type: 'unit', path: 'prod/vpc' },
    ];
    const g = { ...graph(vpc, { ...db, dependencies: [] }), rootConfigs: [L] };
    const c = compareWithTerragrunt(found, g, L, R);
    expect(c.differences).toEqual([
      { what: 'edge', unit: `${L}/prod/db`, terragrunt: `→ ${L}/prod/vpc`, infraCi: '' },
    ]);
    expect(c.notes).toEqual([
      `${L}: a root configuration (included by units), not a unit to infra-ci`,
    ]);
  });

  it('parseFindJson refuses what is not find output, naming the file', () => {
    expect(() => parseFindJson('{', 'f.json')).toThrow(/^f\.json: not JSON/);
    expect(() => parseFindJson('{"a": 1}', 'f.json')).toThrow(/expected the JSON list/);
    expect(() => parseFindJson('[{"type": "module", "path": "x"}]', 'f.json')).toThrow(
      /f\.json: entry 0 is not/,
    );
    expect(parseFindJson(JSON.stringify(agreeing), 'f.json')).toEqual(agreeing);
  });
});

describe('infra-ci graph --compare-terragrunt (spawned CLI)', () => {
  let repo: TempRepo | undefined;
  afterEach(() => repo?.cleanup());

  it('exit 0 when they agree, exit 1 with the table when they differ', () => {
    repo = new TempRepo().write(infraTree());
    repo.commit('base');
    const P = 'prod';
    const rd = ['root.hcl', '_common/vpc.hcl'];
    const found: FoundComponent[] = ['eu-central-1', 'eu-west-2'].flatMap((r) => [
      { type: 'unit' as const, path: `${P}/${r}/vpc`, reading: rd },
      { type: 'unit' as const, path: `${P}/${r}/eks`, dependencies: [`${P}/${r}/vpc`] },
    ]);
    found.push({
      type: 'unit',
      path: `${P}/global/ga`,
      dependencies: [`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`],
    });
    const file = path.join(repo.dir, 'find.json');
    const run = () =>
      spawnSync(
        process.execPath,
        [CLI_MAIN, 'graph', '--root', E, '--compare-terragrunt', file, '--no-cache'],
        { cwd: repo?.dir, encoding: 'utf8' },
      );
    writeFileSync(file, JSON.stringify(found));
    const ok = run();
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe(
      'infra-ci and terragrunt find agree on 5 units: units, dependency edges and reads.\n',
    );
    expect(ok.status).toBe(0);
    found.pop();
    writeFileSync(file, JSON.stringify(found));
    const bad = run();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`| unit | \`${E}/prod/global/ga\` | — | \`unit\` |`);
    expect(bad.stderr).toBe('infra-ci: 1 difference(s) with terragrunt find (table above)\n');
  });
});
