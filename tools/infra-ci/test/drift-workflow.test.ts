/**
 * infra-drift.yml against the CLI and the OIDC trust: scheduled and manual only, the plan role
 * and issues: write only, one CLI step, and its environment is the one infra-plan trusts for drift.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { environmentName, ghExpr, hclList, type Job, read, root } from './helpers/workflows.js';

const source = read('.github/workflows/infra-drift.yml');
const w = parse(source) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const job = Object.values(w.jobs)[0] as Job;

describe('infra-drift.yml', () => {
  it('runs on a schedule and by hand only, on main', () => {
    expect(Object.keys(w.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(Object.keys(w.jobs)).toHaveLength(1);
    expect(job.if).toBe("github.ref == 'refs/heads/main'");
  });

  it('has the plan role and issues: write, nothing else: it can never apply or open a PR', () => {
    expect(w.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(aws?.with?.['role-to-assume']).toBe(ghExpr('vars.INFRA_PLAN_ROLE_ARN'));
    expect(source).not.toContain('INFRA_APPLY_ROLE_ARN');
    expect(source).not.toMatch(/\bapply\b(?! the)/i);
    expect(job.environment).not.toBe('infrastructure');
  });

  it('one step runs infra-ci drift from the checkout, with the issues and a rotating slice', () => {
    const steps = job.steps.filter((s) => s.run?.includes('infra-ci/dist/cli/main.js drift'));
    expect(steps).toHaveLength(1);
    const run = steps[0]?.run ?? '';
    expect(run).toMatch(/^node tools\/infra-ci\/dist\/cli\/main\.js drift /);
    expect(run).toContain('--issues');
    expect(run).toContain('--rotate "$GITHUB_RUN_NUMBER/$SLICES"');
    expect(steps[0]?.env?.GITHUB_TOKEN).toBe(ghExpr('github.token'));
    // The budget leaves time to report and update the issues before the job is killed.
    const budget = Number(/--time-budget (\d+)/.exec(run)?.[1]);
    expect(budget).toBeLessThan((job['timeout-minutes'] ?? 0) - 10);
  });

  it("its environment is the one infra-plan's trust names in drift_subjects", () => {
    const oidc = read('infra/environments/prod/global/github-oidc/terragrunt.hcl');
    expect(hclList(oidc, 'drift_subjects')).toEqual([
      `environment:${environmentName(job)}:ref:refs/heads/main`,
    ]);
  });

  it('no other job runs in that environment (it could assume the plan role through drift_subjects)', () => {
    const dir = `${root}.github/workflows`;
    const inDriftEnv = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((f) => {
        const wf = parse(read(`.github/workflows/${f}`)) as { jobs: Record<string, Job> };
        return Object.entries(wf.jobs)
          .filter(([, j]) => j.environment === job.environment)
          .map(([name]) => `${f}:${name}`);
      });
    expect(inDriftEnv).toEqual([`infra-drift.yml:${Object.keys(w.jobs)[0]}`]);
  });

  it('never plans without refresh: units that do so under the plan role are skipped, with a reason', () => {
    expect(JSON.stringify(job.steps)).not.toContain('INFRA_PLAN_NO_REFRESH');
    const env = 'infra/environments';
    const common = readdirSync(`${root}${env}/_common`).filter((f) =>
      read(`${env}/_common/${f}`).includes('get_env("INFRA_PLAN_NO_REFRESH"'),
    );
    expect(common.length).toBeGreaterThan(0);
    const units = (readdirSync(`${root}${env}`, { recursive: true }) as string[])
      .filter((f) => f.endsWith('terragrunt.hcl'))
      .map((f) => `${env}/${f}`)
      .filter((f) => common.some((c) => read(f).includes(`_common/${c}"`))); // an include path, not a comment
    expect(units.length).toBeGreaterThan(0);
    for (const f of units) {
      expect(read(f), f).toMatch(/infra_ci_drift\s*=\s*\{[^}]*skip\s*=\s*true/);
    }
  });
});
