/**
 * .github/workflows/infra-modules.yml runs the provider-dependent checks (init, validate, terraform
 * test, tflint, trivy) per local module from a hard-coded matrix. A module added to infra/modules
 * but not to the matrix would never be checked, silently: this test makes `npm test` fail instead.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { pull_request: { paths: string[] } };
  jobs: Record<string, { strategy?: { matrix?: { module?: unknown } }; steps: Step[] }>;
}

const workflow = parse(
  readFileSync(`${root}.github/workflows/infra-modules.yml`, 'utf8'),
) as Workflow;
const modules = readdirSync(`${root}infra/modules`, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('infra-modules workflow', () => {
  it('checks every folder of infra/modules, and only those', () => {
    const matrix = workflow.jobs.module?.strategy?.matrix?.module;
    expect(Array.isArray(matrix)).toBe(true);
    expect(modules.length).toBeGreaterThan(0);
    expect([...(matrix as string[])].sort()).toEqual(modules);
  });

  it('every module has what the workflow runs: tests/*.tftest.hcl and examples/basic', () => {
    for (const m of modules) {
      const tests = readdirSync(`${root}infra/modules/${m}/tests`).filter((f) =>
        f.endsWith('.tftest.hcl'),
      );
      expect(tests.length, `${m} has no tests/*.tftest.hcl`).toBeGreaterThan(0);
      expect(existsSync(`${root}infra/modules/${m}/examples/basic`), `${m}/examples/basic`).toBe(
        true,
      );
    }
  });

  it('runs when the tflint or trivy configuration changes, and those files exist', () => {
    const paths = workflow.on.pull_request.paths;
    for (const f of ['infra/.tflint.hcl', 'infra/trivy.yaml']) {
      expect(paths).toContain(f);
      expect(existsSync(`${root}${f}`), f).toBe(true);
    }
    expect(paths).toContain('infra/modules/**');
  });

  it('pins every action by a full commit SHA', () => {
    const uses = Object.values(workflow.jobs).flatMap((j) =>
      j.steps.flatMap((s) => (s.uses === undefined ? [] : [s.uses])),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) {
      if (u.startsWith('./')) continue;
      expect(u, u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
  });
});
