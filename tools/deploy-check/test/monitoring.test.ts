import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkDashboard,
  checkRules,
  grafanaToPromql,
  promtoolRulesFile,
} from '../src/checks/monitoring.js';
import { promtoolCheck } from '../src/io/promtool.js';

const here = dirname(fileURLToPath(import.meta.url));
const dashboardFile = join(
  here,
  '..',
  '..',
  '..',
  'deploy',
  'monitoring',
  'dashboards',
  'demo-app.json',
);

describe('deploy/monitoring checks', () => {
  it('replaces Grafana interval variables and reports any other variable', () => {
    expect(grafanaToPromql('rate(x[$__rate_interval])')).toEqual({
      expr: 'rate(x[5m])',
      unknown: [],
    });
    expect(grafanaToPromql('x{pod="$pod"}').unknown).toEqual(['$pod']);
  });

  it('the repository dashboard splits by the app label and parses with promtool', async () => {
    const json = JSON.parse(await readFile(dashboardFile, 'utf8')) as unknown;
    const r = checkDashboard('d.json', json, undefined);
    expect(r.findings).toEqual([]);
    expect(r.exprs.length).toBe(3);
    for (const e of r.exprs) expect(e.expr).toMatch(/by \(app(, le)?\)/);
    expect(await promtoolCheck(r.exprs)).toEqual([]);
  });

  it('rejects a misspelt dashboard field and a rule that is neither record nor alert', () => {
    const d = checkDashboard(
      'd.json',
      {
        title: 't',
        uid: 'u',
        schemaVersion: 39,
        version: 1,
        time: { from: 'now-1h', to: 'now' },
        templating: { list: [] },
        panels: [],
        refesh: '1m',
      },
      undefined,
    );
    expect(d.findings.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/refesh/),
        expect.stringMatching(/>=1 items|at least 1|too small/i),
      ]),
    );
    const r = checkRules(
      'r.yaml',
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'r' },
        spec: { groups: [{ name: 'g', rules: [{ expr: 'up' }] }] },
      },
      undefined,
    );
    expect(r.findings.map((f) => `${f.field}: ${f.message}`)).toEqual([
      'spec.groups.0.rules.0: needs record or alert',
    ]);
  });

  it('maps a promtool parse error back to its file and field', async () => {
    const found = await promtoolCheck([
      { file: 'a.json', field: 'panels[0]', expr: 'up' },
      { file: 'b.yaml', field: 'spec.groups[0].rules[1].expr', expr: 'sum(rate(x[5m])' },
    ]);
    expect(found).toEqual([
      expect.objectContaining({
        check: 'monitoring',
        file: 'b.yaml',
        field: 'spec.groups[0].rules[1].expr',
        message: expect.stringMatching(/unclosed left parenthesis/),
      }),
    ]);
    expect(promtoolRulesFile([{ file: 'a', field: 'f', expr: 'up' }])).toContain(
      '"record": "deploy_check:expr_0"',
    );
  });
});
