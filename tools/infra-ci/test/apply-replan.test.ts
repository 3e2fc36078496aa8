/**
 * Issue #20: the plan bundle is made by the PR's own code (its infra-pr.yml, its build of
 * infra-ci), so the reviewed resource changes in its manifest are only as trustworthy as the PR.
 * At merge every unit is planned again with main's code, and applied (the fresh plan) only when
 * its resource changes equal the reviewed ones; otherwise nothing is applied and the fresh plan
 * is posted on the PR.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Manifest, sameResources, slug } from '../src/plan/bundle.js';
import { REPLAN_MARKER } from '../src/plan/summary.js';
import { touchCommon } from './helpers/repo.js';
import { P, PR_NUMBER, PrFlow } from './support/terragrunt-standin/pr-flow.js';

let flow: PrFlow;
beforeEach(() => {
  flow = new PrFlow();
});
afterEach(() => flow.cleanup());

/** The PR's code wrote this manifest: edit the reviewed changes it claims (no checksum covers them). */
function lie(edit: (m: Manifest) => void): void {
  const file = path.join(flow.bundle, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  edit(m);
  writeFileSync(file, JSON.stringify(m));
}

const applies = () => flow.applyCalls().filter((c) => c.startsWith('apply'));

describe('infra-ci apply re-plans every unit with main code (issue #20)', () => {
  it('a reviewed plan that hides a resource change is not applied: nothing applied, the fresh plan posted', async () => {
    await flow.mergedPr(touchCommon('vpc'));
    // The PR's infra-ci showed the reviewer an empty plan for one VPC; its binary plan creates
    // null_resource.vpc (what the stand-in plans, at the PR and again at merge).
    lie((m) => {
      const e = m.units[`${P}/eu-west-2/vpc`];
      if (e) e.changes = { add: 0, change: 0, destroy: 0, resources: [] };
    });
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toMatchObject({ kind: 'review', unit: `${P}/eu-west-2/vpc` });
    expect(r.outcome.kind === 'review' && r.outcome.message).toContain('nothing was applied');
    expect(applies()).toEqual([]);
    expect(flow.applyCalls().filter((c) => c.startsWith('backend'))).toEqual([]);
    expect(r.rows.map((x) => `${x.unit.slice(P.length + 1)}: ${x.result}`)).toEqual([
      'eu-central-1/vpc: not started',
      'eu-west-2/vpc: differs from review',
    ]);
    expect(flow.github.comments).toHaveLength(1);
    expect(flow.github.comments[0]).toMatchObject({ pr: PR_NUMBER, marker: REPLAN_MARKER });
    expect(flow.github.comments[0]?.body).toContain('`null_resource.vpc`: create');
  });

  it('a destroy whose reviewed plan hides a resource is not run either', async () => {
    await flow.openPr((repo) => {
      touchCommon('vpc')(repo);
      repo.remove(`${P}/global/ga`);
    });
    flow.mergePr();
    lie((m) => {
      const e = m.units[`${P}/global/ga`];
      if (e) e.changes = { add: 0, change: 0, destroy: 0, resources: [] };
    });
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toMatchObject({ kind: 'review', unit: `${P}/global/ga` });
    expect(applies()).toEqual([]);
    expect(flow.applyCalls()).toContain(`plan -destroy wt:${P}/global/ga`);
  });

  it('an update whose attributes differ from the reviewed ones (same address and action) is not applied', async () => {
    const update = (cidr: string) => ({
      units: {
        'eu-west-2/vpc': {
          resources: [
            {
              address: 'aws_security_group_rule.api',
              actions: ['update'],
              change: { before: { cidr_blocks: ['10.0.0.0/8'] }, after: { cidr_blocks: [cidr] } },
            },
          ],
        },
      },
    });
    flow.standin.scenario(update('10.1.0.0/16'));
    await flow.mergedPr(touchCommon('vpc'));
    expect(flow.manifest?.units[`${P}/eu-west-2/vpc`]?.changes.resources[0]?.attrs).toEqual([
      { path: 'cidr_blocks[0]', before: '"10.0.0.0/8"', after: '"10.1.0.0/16"' },
    ]);
    flow.standin.scenario(update('0.0.0.0/0'));
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toMatchObject({ kind: 'review', unit: `${P}/eu-west-2/vpc` });
    expect(applies()).toEqual([]);
    const body = flow.github.comments[0]?.body ?? '';
    expect(body).toContain('**Differs in** 1 resource(s): `aws_security_group_rule.api`.');
    expect(body).toContain('`cidr_blocks[0]`: `"10.0.0.0/8"` → `"0.0.0.0/0"`');
  });

  it('a re-plan that fails stops everything before any apply (exit 1 path)', async () => {
    await flow.mergedPr(touchCommon('vpc'));
    flow.standin.scenario({ units: { 'eu-central-1/vpc': { fail: ['plan'] } } });
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome.kind).toBe('failed');
    expect(applies()).toEqual([]);
    expect(r.rows.map((x) => x.result)).toEqual(['failed', 'not started']);
  });

  it('matching re-plans: the fresh plans made at merge are applied, never the PR-made files', async () => {
    await flow.mergedPr(touchCommon('vpc'));
    const r = await flow.apply({ parallelism: 1 });
    expect(r.outcome).toEqual({ kind: 'applied' });
    const applied = flow.standin.events().filter((e) => !e.end && e.args[0] === 'apply');
    expect(applied.map((e) => e.args.at(-1))).toEqual([
      path.join(flow.work, 'replans', `${slug(`${P}/eu-central-1/vpc`)}.tfplan`),
      path.join(flow.work, 'replans', `${slug(`${P}/eu-west-2/vpc`)}.tfplan`),
    ]);
    expect(r.rows.every((x) => /^[0-9a-f]{64}$/.test(x.freshSha256 ?? ''))).toBe(true);
  });
});

describe('sameResources with attributes', () => {
  const rc = (address: string, after?: string) => ({
    address,
    actions: ['update'],
    ...(after === undefined ? {} : { attrs: [{ path: 'x', before: '"a"', after }] }),
  });
  const ch = (...resources: ReturnType<typeof rc>[]) => resources;
  it('compares addresses and actions whatever the order, and attributes when asked', () => {
    expect(sameResources(ch(rc('a'), rc('b')), ch(rc('b'), rc('a')), true)).toBe(true);
    expect(sameResources(ch(rc('a')), ch(rc('a'), rc('b')), false)).toBe(false);
    expect(sameResources(ch(rc('a', '"b"')), ch(rc('a', '"c"')), false)).toBe(true);
    expect(sameResources(ch(rc('a', '"b"')), ch(rc('a', '"c"')), true)).toBe(false);
    // A reviewed plan without attributes does not match a fresh one with them.
    expect(sameResources(ch(rc('a', '"b"')), ch(rc('a')), true)).toBe(false);
  });
});
