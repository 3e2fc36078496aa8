import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { checkDashboard, checkRules, type Expr } from './checks/monitoring.js';
import type { InfraFacts } from './infra-facts.js';
import { repoRelative } from './io/files.js';
import type { PromtoolCheck } from './io/promtool.js';
import type { Finding } from './model.js';

async function files(dir: string, ext: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * deploy/monitoring/: dashboards/*.json and rules/*.yaml (not applied by Flux, see
 * deploy/docs/monitoring.md), checked by checks/monitoring.ts, their PromQL parsed by `promtool`.
 */
export async function checkMonitoringTree(
  repoRoot: string,
  deployDir: string,
  facts: InfraFacts | undefined,
  promtool: PromtoolCheck | undefined,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const exprs: Expr[] = [];
  const add = (r: { findings: Finding[]; exprs: Expr[] }) => {
    findings.push(...r.findings);
    exprs.push(...r.exprs);
  };
  for (const f of await files(join(deployDir, 'monitoring', 'dashboards'), /\.json$/)) {
    const file = repoRelative(repoRoot, f);
    try {
      add(checkDashboard(file, JSON.parse(await readFile(f, 'utf8')) as unknown, facts));
    } catch (e) {
      findings.push({
        check: 'monitoring',
        file,
        kind: '',
        name: '',
        field: '',
        message: `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }
  for (const f of await files(join(deployDir, 'monitoring', 'rules'), /\.ya?ml$/)) {
    const file = repoRelative(repoRoot, f);
    for (const d of parseAllDocuments(await readFile(f, 'utf8'))) {
      if (d.errors.length === 0) add(checkRules(file, d.toJS() as unknown, facts));
    }
  }
  if (promtool !== undefined) findings.push(...(await promtool(exprs)));
  return findings;
}
