/**
 * `infra-ci drift --issues` through the CLI (in process, and the built CLI spawned) with the
 * stand-in terragrunt and the local GitHub REST server: the issue lifecycle (appears → created,
 * persists → updated, resolved → closed, unit deleted → closed, error → untouched), slices, the
 * write budget and GitHub failures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markerOf } from '../src/drift/issues.js';
import { ALL, DriftHarness, EKS, GA, P, stateOf, VPC, vpcDrift } from './helpers/drift.js';
import { infraTree } from './helpers/repo.js';

let h: DriftHarness;
beforeEach(async () => {
  h = await DriftHarness.start();
});
afterEach(() => h.stop());

describe('infra-ci drift: the issue lifecycle (stand-in terragrunt, local GitHub API)', () => {
  it('drift appears → one issue; persists → the same issue updated; resolved → closed', async () => {
    h.scenario(vpcDrift);
    const first = await h.drift();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.report?.counts).toEqual({ 'in-sync': 4, drifted: 1, error: 0 });
    expect(first.report?.units.find((u) => u.unit === VPC)?.resources).toEqual([
      { address: 'aws_vpc.main', actions: ['update'] },
    ]);
    expect(h.openIssues()).toHaveLength(1);
    const [issue] = h.openIssues();
    expect(issue?.labels).toEqual(['infra-drift']);
    expect(h.server.issues.labels.get('infra-drift')?.color).toBe('d93f0b'); // created before the issue
    expect(issue?.title).toBe(`Drift: ${VPC}`);
    expect(issue?.body).toContain('aws_vpc.main');
    expect(issue?.body).toContain('actions/runs/1');
    expect(first.summary).toContain('1 drifted');
    for (const u of ALL) expect(first.summary).toContain(u); // every unit's state listed

    const second = await h.drift();
    expect(second.code).toBe(0);
    expect(h.server.issues.all()).toHaveLength(1); // updated, not duplicated
    expect(h.server.issues.get(issue?.number ?? 0)?.body).toContain('actions/runs/2');
    expect(second.report?.issues).toEqual([{ unit: VPC, number: issue?.number, action: 'update' }]);

    h.scenario({});
    const third = await h.drift();
    expect(third.code).toBe(0);
    expect(h.openIssues()).toHaveLength(0);
    expect(h.server.issues.get(issue?.number ?? 0)).toMatchObject({
      state: 'closed',
      stateReason: 'completed',
    });
    expect(h.server.comments(issue?.number ?? 0)[0]?.body).toContain('Back in sync');
  });

  it('plan error → reported as error (exit 1), never as in sync; its issue is left untouched', async () => {
    h.scenario(vpcDrift);
    await h.drift();
    const [issue] = h.openIssues();
    const before = issue?.body;
    h.scenario({ 'eu-central-1/vpc': { fail: ['plan'] } });
    const r = await h.drift();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('could not be planned');
    expect(stateOf(r.report, VPC)).toBe('error');
    expect(r.report?.units.find((u) => u.unit === VPC)?.error).toContain('stand-in plan failure');
    expect(r.report?.counts).toEqual({ 'in-sync': 4, drifted: 0, error: 1 });
    expect(r.summary).toContain('### Errors');
    expect(h.server.issues.get(issue?.number ?? 0)).toMatchObject({ state: 'open', body: before });
    // The units after the failing one are still planned (EKS depends on VPC).
    expect(stateOf(r.report, EKS)).toBe('in-sync');
  });

  it('unit deleted → its issue is closed', async () => {
    h.scenario({
      'global/ga': {
        resources: [{ address: 'aws_globalaccelerator_listener.l', actions: ['update'] }],
      },
    });
    await h.drift();
    const [issue] = h.openIssues();
    expect(issue?.title).toBe(`Drift: ${GA}`);
    h.repo.remove(GA);
    h.repo.commit('remove ga');
    const r = await h.drift();
    expect(r.code).toBe(0);
    expect(h.server.issues.get(issue?.number ?? 0)).toMatchObject({ state: 'closed' });
    expect(h.server.comments(issue?.number ?? 0)[0]?.body).toContain('no longer exists');
  });

  it('slices: n runs with --rotate k/n plan every unit exactly once; other slices keep their issues', async () => {
    h.scenario(vpcDrift);
    await h.drift(['--slice', '1/1']);
    const planned: string[] = [];
    for (let k = 10; k < 13; k++) {
      const r = await h.drift(['--rotate', `${k}/3`]);
      expect(r.report?.slice).toEqual({ index: (k % 3) + 1, count: 3 });
      expect(r.report?.totalUnits).toBe(ALL.length);
      planned.push(...(r.report?.units.map((u) => u.unit) ?? []));
      if (!r.report?.units.some((u) => u.unit === VPC)) {
        expect(r.report?.issues).toContainEqual(
          expect.objectContaining({ unit: VPC, action: 'untouched' }),
        );
      }
    }
    expect(planned.sort()).toEqual(ALL);
    expect(h.openIssues()).toHaveLength(1);
  });

  it('a unit an exclude block leaves out of plan is not planned, and its issue is left alone', async () => {
    h.scenario({ 'global/ga': { resources: [{ address: 'aws_x.y', actions: ['update'] }] } });
    await h.drift();
    const [issue] = h.openIssues();
    const ga = `${GA}/terragrunt.hcl`;
    h.repo.write({
      [ga]: `${infraTree()[ga]}\nexclude {\n  if      = true\n  actions = ["plan"]\n}\n`,
    });
    const r = await h.drift();
    expect(r.code).toBe(0);
    expect(r.report?.excluded).toEqual([{ unit: GA, by: GA }]);
    expect(r.report?.units.map((u) => u.unit)).not.toContain(GA);
    expect(h.standin.calls(h.repo.dir).filter((c) => c === `plan ${GA}`)).toHaveLength(1); // the first run only
    expect(h.server.issues.get(issue?.number ?? 0)?.state).toBe('open');
    expect(r.report?.issues).toContainEqual({
      unit: GA,
      number: issue?.number,
      action: 'untouched',
      why: 'not planned this run',
    });
  });

  it('GitHub dropped the label: exit 3 naming the permission (the next run could not find the issue)', async () => {
    h.scenario(vpcDrift);
    h.server.issues.dropLabelsOnCreate = true;
    const r = await h.drift();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('issues: write');
    expect(r.summary).toContain('1 drifted'); // the states are still reported
  });

  it('--max-issue-writes: the rest is deferred to the next run, which does it', async () => {
    h.scenario({
      ...vpcDrift,
      'eu-west-2/vpc': { resources: [{ address: 'aws_vpc.main', actions: ['update'] }] },
    });
    const first = await h.drift(['--max-issue-writes', '1']);
    expect(first.code).toBe(0);
    expect(h.openIssues()).toHaveLength(1);
    expect(first.report?.issues?.filter((i) => i.action === 'deferred')).toHaveLength(1);
    await h.drift(['--max-issue-writes', '1']);
    expect(
      h
        .openIssues()
        .map((i) => i.title)
        .sort(),
    ).toEqual([`Drift: ${VPC}`, `Drift: ${P}/eu-west-2/vpc`]);
  });

  it('the issue client paces its writes (secondary rate limits)', async () => {
    const port = h.port({ writeIntervalMs: 150 });
    const n = h.server.issues.add({ title: 't', body: 'b', labels: ['infra-drift'] });
    const t0 = performance.now();
    await port.updateIssue(n, 'one');
    await port.updateIssue(n, 'two');
    await port.updateIssue(n, 'three');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(h.server.issues.get(n)?.body).toBe('three');
  });

  it('a --root holding no unit is an input error, so no issue is closed as "deleted"', async () => {
    h.scenario(vpcDrift);
    await h.drift();
    h.repo.write({ 'elsewhere/README.md': 'no units here\n' });
    const r = await h.drift(['--root', path.join(h.repo.dir, 'elsewhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no unit (terragrunt.hcl) under');
    expect(h.openIssues()).toHaveLength(1);
  });

  it('reads every page of open issues (130 stale ones, all closed as deleted); pull requests are never touched', async () => {
    h.scenario({});
    for (let i = 0; i < 130; i++) {
      h.server.issues.add({
        title: `old ${i}`,
        body: markerOf(`${P}/gone/u${i}`),
        labels: ['infra-drift'],
      });
    }
    const pr = h.server.issues.add({
      title: 'a PR',
      body: markerOf(`${P}/gone/pr`),
      labels: ['infra-drift'],
      isPull: true,
    });
    const r = await h.drift(['--max-issue-writes', '1000']);
    expect(r.code).toBe(0);
    expect(h.openIssues()).toHaveLength(0);
    expect(h.server.issues.get(pr)?.state).toBe('open');
    expect(
      h.server.requests.filter((q) => q.method === 'GET' && q.path.includes('/issues?')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('GitHub failures: a read is retried after a 5xx; a failed write is not retried and is exit 3', async () => {
    h.scenario(vpcDrift);
    h.server.failNext('/issues?', 502, 1, 'GET');
    const retried = await h.port({ retries: 1, retryDelayMs: 1 }).openIssues('infra-drift');
    expect(retried).toEqual([]);
    h.server.failNext('/repos/acme/platform/issues', 502, 1, 'POST');
    const r = await h.drift();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('POST /repos/acme/platform/issues failed: HTTP 502');
    expect(
      h.server.requests.filter(
        (q) => q.method === 'POST' && q.path === '/repos/acme/platform/issues',
      ),
    ).toHaveLength(1);
    expect(h.openIssues()).toHaveLength(0);
  });
});

describe('infra-ci drift, spawned as the workflow runs it', () => {
  it('reads GITHUB_TOKEN/GITHUB_REPOSITORY/GITHUB_API_URL, opens the issue, writes the job summary; progress lines say ok', async () => {
    h.scenario(vpcDrift);
    const summary = path.join(h.standin.dir, 'step-summary.md');
    const r = await h.spawnCli(
      [
        'drift',
        '--issues',
        '--rotate',
        '7/1',
        '--run-url',
        'https://github.com/acme/platform/actions/runs/77',
      ],
      {
        ...h.standin.env(),
        GITHUB_API_URL: h.server.url,
        GITHUB_TOKEN: h.server.token,
        GITHUB_REPOSITORY: h.server.repository,
        GITHUB_STEP_SUMMARY: summary,
      },
    );
    expect(r.stderr).not.toMatch(/^infra-ci:/m);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`[infra-ci] ok   ${VPC}: terragrunt plan`);
    expect(r.stderr).not.toContain('FAIL');
    expect(h.openIssues()).toHaveLength(1);
    expect(h.openIssues()[0]?.body).toContain('actions/runs/77');
    expect(readFileSync(summary, 'utf8')).toContain(`| \`${VPC}\` | **drifted** |`);
    expect(h.standin.events().every((e) => !e.token)).toBe(true);
  });

  it('--issues without GITHUB_TOKEN: exit 2 before anything is planned', async () => {
    const r = await h.spawnCli(['drift', '--issues'], {
      ...h.standin.env(),
      GITHUB_REPOSITORY: h.server.repository,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('GITHUB_TOKEN is not set');
    expect(h.standin.calls(h.repo.dir)).toEqual([]);
  });
});
