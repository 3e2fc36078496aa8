import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Expr } from '../checks/monitoring.js';
import { promtoolRulesFile } from '../checks/monitoring.js';
import type { Finding } from '../model.js';

/** Runs the real `promtool check rules` (Debian package prometheus) over the expressions. */
export type PromtoolCheck = (exprs: readonly Expr[]) => Promise<Finding[]>;

export const promtoolCheck: PromtoolCheck = async (exprs) => {
  if (exprs.length === 0) return [];
  const dir = await mkdtemp(join(tmpdir(), 'deploy-check-promtool-'));
  const file = join(dir, 'rules.json');
  try {
    // promtool reads YAML; JSON is YAML.
    await writeFile(file, promtoolRulesFile(exprs));
    const result = await new Promise<{ code: number | string; out: string }>((resolve) => {
      execFile('promtool', ['check', 'rules', file], { timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({
          code: err === null ? 0 : ((err as { code?: number | string }).code ?? 1),
          out: `${stdout}${stderr}`,
        }),
      );
    });
    if (result.code === 'ENOENT') {
      return [
        monitoring(
          '',
          'promtool not found: install the Debian package prometheus (.ci/run does); the PromQL of deploy/monitoring cannot be checked',
        ),
      ];
    }
    if (result.code === 0) return [];
    // promtool names the failing rule by its index in the group: map it back to the file and field.
    const findings: Finding[] = [];
    // e.g. `rules.json: 1:56: group "deploy-check", rule 1, "deploy_check:expr_0": could not parse …`
    for (const m of result.out.matchAll(/rule (\d+), "[^"]*": (.*)/g)) {
      const e = exprs[Number(m[1]) - 1];
      findings.push(
        e === undefined
          ? monitoring('', m[2] ?? '')
          : { ...monitoring(e.file, m[2] ?? ''), field: e.field },
      );
    }
    return findings.length > 0
      ? findings
      : [monitoring('', `promtool check rules failed: ${result.out.trim()}`)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

function monitoring(file: string, message: string): Finding {
  return { check: 'monitoring', file, kind: '', name: '', field: '', message };
}
