/**
 * `infra-ci drift` runs (in process) with the stand-in terragrunt: read-only calls only, waves
 * and the concurrency bound, known drift, contradictory exit codes, the time budget, exit codes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriftReport } from '../src/drift/report.js';
import { ALL, DriftHarness, EKS, GA, P, stateOf, VPC, vpcDrift } from './helpers/drift.js';
import { E, infraTree } from './helpers/repo.js';

let h: DriftHarness;
beforeEach(async () => {
  h = await DriftHarness.start();
});
afterEach(() => h.stop());

describe('infra-ci drift runs (stand-in terragrunt)', () => {
  it('never applies: only read-only plan and show calls, -lock=false, no GitHub token in terragrunt', async () => {
    h.scenario(vpcDrift);
    await h.drift();
    const calls = h.standin
      .events()
      .filter((e) => e.tool === 'terragrunt' && !e.end && e.args[0] !== '--version');
    expect(calls.length).toBe(ALL.length * 2);
    for (const c of calls) {
      expect(['plan', 'show']).toContain(c.args[0]);
      expect(c.args).not.toContain('apply');
      expect(c.token).toBe(false);
      if (c.args[0] === 'plan') {
        expect(c.args).toEqual(
          expect.arrayContaining(['-lock=false', '-detailed-exitcode', '-input=false']),
        );
        expect(c.args.join(' ')).not.toContain('-lock-timeout');
      }
    }
    expect(h.server.requests.some((q) => q.path.includes('/pulls'))).toBe(false); // no PR, ever
  });

  it('dependency waves, and at most --concurrency plans at once inside a wave', async () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 8; i++) {
      extra[`${P}/eu-west-2/extra-${i}/terragrunt.hcl`] =
        'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n';
    }
    h.repo.write(extra);
    h.repo.commit('more units');
    h.scenario({}, { planDelaySeconds: 0.15 });
    const r = await h.drift(['--concurrency', '3'], false);
    expect(r.code).toBe(0);
    const max = h.standin.maxConcurrent('plan');
    expect(max).toBeLessThanOrEqual(3);
    expect(max).toBeGreaterThanOrEqual(2); // 10 units of 0.15 s in wave 1: they do overlap
    const planCalls = h.standin.calls(h.repo.dir).filter((c) => c.startsWith('plan'));
    const at = (u: string) => planCalls.indexOf(`plan ${u}`);
    expect(at(VPC)).toBeLessThan(at(EKS));
    expect(at(EKS)).toBeLessThan(at(GA));
    expect(at(`${P}/eu-west-2/eks`)).toBeLessThan(at(GA));
  });

  it('known drift in infra_ci_drift: ignored with its reason, no issue; a malformed one is exit 2 at file:line', async () => {
    const ga = `${GA}/terragrunt.hcl`;
    const original = infraTree()[ga] ?? '';
    h.repo.write({
      [ga]: `${original}\nlocals {\n  infra_ci_drift = {\n    ignore = ["aws_globalaccelerator_endpoint_group.*"]\n    reason = "the failover controller pins the dials"\n  }\n}\n`,
    });
    h.scenario({
      'global/ga': {
        resources: [
          { address: 'aws_globalaccelerator_endpoint_group.standby', actions: ['update'] },
        ],
      },
    });
    const r = await h.drift();
    expect(r.code).toBe(0);
    expect(r.report?.units.find((u) => u.unit === GA)).toMatchObject({
      state: 'in-sync',
      ignored: [{ address: 'aws_globalaccelerator_endpoint_group.standby', actions: ['update'] }],
      ignoreReason: 'the failover controller pins the dials',
    });
    expect(h.openIssues()).toHaveLength(0);

    h.repo.write({ [ga]: `${original}\nlocals {\n  infra_ci_drift = { ignore = ["x"] }\n}\n` });
    const bad = await h.drift();
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      `${ga}:${original.split('\n').length + 2}: local.infra_ci_drift.reason`,
    );
    expect(h.standin.calls(h.repo.dir).filter((c) => c.startsWith('plan')).length).toBe(ALL.length); // none planned by the bad run

    h.repo.write({ [ga]: original });
    h.repo.write({
      [`${E}/_common/ga.hcl`]: `${infraTree()[`${E}/_common/ga.hcl`]}\nlocals {\n  infra_ci_drift = { ignore = ["*"], reason = "x" }\n}\n`,
    });
    const misplaced = await h.drift();
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain(`${E}/_common/ga.hcl:`);
    expect(misplaced.stderr).toContain("only read from a unit's own terragrunt.hcl");
  });

  it('infra_ci_drift.skip: the unit is never planned, listed as not checked with its reason, its issue left alone', async () => {
    const vpc = `${VPC}/terragrunt.hcl`;
    h.repo.write({
      [vpc]: `${infraTree()[vpc]}\nlocals {\n  infra_ci_drift = {\n    skip   = true\n    reason = "plans without refresh under the plan role"\n  }\n}\n`,
    });
    h.scenario(vpcDrift);
    const r = await h.drift([], false);
    expect(r.code).toBe(0);
    expect(h.standin.calls(h.repo.dir)).not.toContain(`plan ${VPC}`);
    expect(r.report?.units.map((u) => u.unit)).not.toContain(VPC);
    expect(r.report?.skipped).toEqual([
      { unit: VPC, reason: 'plans without refresh under the plan role' },
    ]);
    expect(r.summary).toContain('Not checked');
    expect(stateOf(r.report, EKS)).toBe('in-sync'); // its dependent is still planned
  });

  it('a terragrunt that exits 2 with an empty JSON plan: error, not in sync', async () => {
    h.scenario({ 'eu-central-1/vpc': { planExit: 2 } });
    const r = await h.drift([], false);
    expect(r.code).toBe(1);
    expect(stateOf(r.report, VPC)).toBe('error');
  });

  it('--fail-on-drift exits 6 when a unit drifted; --format json prints the report', async () => {
    h.scenario(vpcDrift);
    const r = await h.drift(['--fail-on-drift', '--format', 'json'], false);
    expect(r.code).toBe(6);
    expect((JSON.parse(r.stdout) as DriftReport).counts.drifted).toBe(1);
  });

  it('--time-budget: no plan starts after it; the units left are error (not planned), never in sync', async () => {
    h.scenario({});
    const { runDrift } = await import('../src/drift/run.js');
    // A clock one minute later at every look: start 0, deadline from 1 (+2 min = 3), the first
    // unit starts at 2, the second would start at 3: over budget.
    let minute = 0;
    const now = () => new Date(Date.UTC(2026, 11, 6) + minute++ * 60_000);
    const r = await runDrift(
      { repoRoot: h.repo.dir, root: E, concurrency: 1, timeBudgetMinutes: 2, now },
      h.standin.runner(),
    );
    const planned = h.standin.calls(h.repo.dir).filter((c) => c.startsWith('plan'));
    expect(planned).toHaveLength(1);
    expect(r.report.counts).toEqual({ 'in-sync': 1, drifted: 0, error: ALL.length - 1 });
    expect(r.report.units.find((u) => u.state === 'error')?.error).toContain('time budget');
  });

  it('bad options are input errors (exit 2)', async () => {
    for (const args of [
      ['--slice', '3/2'],
      ['--slice', '1/2', '--rotate', '1/2'],
      ['--concurrency', '0'],
      ['--run-url', 'x'],
    ]) {
      const r = await h.drift(args, false);
      expect(r.code).toBe(2);
    }
    expect(h.standin.calls(h.repo.dir)).toEqual([]);
  });
});
