import { describe, expect, it } from 'vitest';
import {
  decideIssues,
  issueBody,
  markerOf,
  unitOfBody,
  withinWriteBudget,
} from '../src/drift/issues.js';
import type { UnitDrift } from '../src/drift/state.js';

const P = 'infra/environments/prod';
const VPC = `${P}/eu-central-1/vpc`;
const EKS = `${P}/eu-central-1/eks`;
const GA = `${P}/global/ga`;
const ctx = {
  runUrl: 'https://github.com/acme/platform/actions/runs/42',
  now: '2026-12-06T10:00:00.000Z',
};
const drifted = (unit: string, address = 'aws_x.y'): UnitDrift => ({
  unit,
  state: 'drifted',
  resources: [{ address, actions: ['update'] }],
  ignored: [],
});
const inSync = (unit: string): UnitDrift => ({
  unit,
  state: 'in-sync',
  resources: [],
  ignored: [],
});
const error = (unit: string): UnitDrift => ({
  unit,
  state: 'error',
  resources: [],
  ignored: [],
  error: 'boom',
});
const issue = (number: number, unit: string, extra = '') => ({
  number,
  body: `${markerOf(unit)}\n${extra}old body`,
});
const all = new Set([VPC, EKS, GA]);

describe('drift issue lifecycle (pure decisions)', () => {
  it('marker round trip, any folder name', () => {
    for (const u of [VPC, `${P}/a b/c-->d`, `${P}/ü/x%y`])
      expect(unitOfBody(`x\n${markerOf(u)}\ny`)).toBe(u);
    expect(unitOfBody('no marker')).toBeUndefined();
  });

  it('drift appears: create, with the resources, the run link and the marker', () => {
    const { actions } = decideIssues([drifted(VPC, 'aws_vpc.main'), inSync(EKS)], all, [], ctx);
    expect(actions).toHaveLength(1);
    const a = actions[0];
    expect(a).toMatchObject({ kind: 'create', unit: VPC, title: `Drift: ${VPC}` });
    const body = a?.kind === 'create' ? a.body : '';
    expect(unitOfBody(body)).toBe(VPC);
    expect(body).toContain('| `aws_vpc.main` | update |');
    expect(body).toContain(ctx.runUrl);
  });

  it('drift persists: update the open issue, keeping when it was first seen', () => {
    const first = issueBody(
      drifted(VPC),
      { now: '2026-12-01T00:00:00.000Z' },
      '2026-12-01T00:00:00.000Z',
    );
    const { actions } = decideIssues(
      [drifted(VPC, 'aws_vpc.other')],
      all,
      [{ number: 7, body: first }],
      ctx,
    );
    expect(actions).toEqual([{ kind: 'update', unit: VPC, number: 7, body: expect.any(String) }]);
    const body = actions[0]?.kind === 'update' ? actions[0].body : '';
    expect(body).toContain(
      'First seen 2026-12-01T00:00:00.000Z; last seen 2026-12-06T10:00:00.000Z',
    );
    expect(body).toContain('aws_vpc.other');
  });

  it('back in sync: close with a comment; deleted unit: close', () => {
    const gone = `${P}/eu-west-2/old`;
    const { actions, untouched } = decideIssues(
      [inSync(VPC)],
      all,
      [issue(3, VPC), issue(4, gone)],
      ctx,
    );
    expect(actions).toEqual([
      expect.objectContaining({ kind: 'close', number: 3, reason: 'in-sync' }),
      expect.objectContaining({ kind: 'close', number: 4, reason: 'deleted', unit: gone }),
    ]);
    expect(untouched).toEqual([]);
  });

  it('plan error: the issue is left alone (and no issue is opened for it)', () => {
    const { actions, untouched } = decideIssues(
      [error(VPC), error(EKS)],
      all,
      [issue(3, VPC)],
      ctx,
    );
    expect(actions).toEqual([]);
    expect(untouched).toEqual([{ unit: VPC, number: 3, why: 'plan error this run' }]);
  });

  it('a unit of another slice keeps its issue; issues without our marker are not ours', () => {
    const { actions, untouched } = decideIssues(
      [inSync(EKS)],
      all,
      [issue(3, VPC), { number: 9, body: 'labelled by hand' }],
      ctx,
    );
    expect(actions).toEqual([]);
    expect(untouched).toEqual([{ unit: VPC, number: 3, why: 'not planned this run' }]);
  });

  it('two open issues for one unit: the oldest is kept and updated, the other closed as duplicate', () => {
    const { actions } = decideIssues([drifted(VPC)], all, [issue(12, VPC), issue(5, VPC)], ctx);
    expect(actions).toEqual([
      expect.objectContaining({
        kind: 'close',
        number: 12,
        reason: 'duplicate',
        comment: expect.stringContaining('#5'),
      }),
      expect.objectContaining({ kind: 'update', number: 5 }),
    ]);
  });

  it('the resource table is bounded and escapes markdown', () => {
    const many: UnitDrift = {
      ...drifted(VPC),
      resources: Array.from({ length: 1000 }, (_, i) => ({
        address: `aws_x.y["a|b${i}"]`,
        actions: ['update'],
      })),
    };
    const body = issueBody(many, ctx, ctx.now);
    expect(body).toContain('`aws_x.y["a\\|b0"]`');
    expect(body).toContain('… 700 more');
    expect(body.length).toBeLessThan(65_536);
  });

  it('write budget: closes first, then creates, then updates; the rest deferred, never dropped', () => {
    const d = decideIssues(
      [drifted(VPC), drifted(EKS), inSync(GA)],
      all,
      [issue(3, EKS), issue(4, GA)],
      ctx,
    );
    const kinds = (xs: { kind: string; unit: string }[] | undefined) =>
      xs?.map((a) => `${a.kind} ${a.unit}`);
    expect(kinds(withinWriteBudget(d, 3).actions)).toEqual([`close ${GA}`, `create ${VPC}`]);
    expect(kinds(withinWriteBudget(d, 3).deferred)).toEqual([`update ${EKS}`]);
    expect(kinds(withinWriteBudget(d, 1).actions)).toEqual([`create ${VPC}`]); // a close needs 2
    expect(withinWriteBudget(d, 100).deferred).toEqual([]);
  });

  it('issues of units outside --root are left alone, never closed as deleted', () => {
    const other = 'infra/other-tree/x';
    const { actions, untouched } = decideIssues([inSync(VPC)], all, [issue(8, other)], {
      ...ctx,
      root: 'infra/environments',
    });
    expect(actions).toEqual([]);
    expect(untouched).toEqual([{ unit: other, number: 8, why: 'outside infra/environments' }]);
    // Without a root (the whole repository), the same unit is gone: closed.
    expect(decideIssues([], all, [issue(8, other)], ctx).actions[0]).toMatchObject({
      reason: 'deleted',
    });
  });
});
