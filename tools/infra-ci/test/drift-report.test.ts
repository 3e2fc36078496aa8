import { describe, expect, it } from 'vitest';
import { buildReport, renderDriftSummary, withIssues } from '../src/drift/report.js';
import type { UnitDrift } from '../src/drift/state.js';

const U = (n: string) => `infra/environments/prod/${n}`;
const units: UnitDrift[] = [
  {
    unit: U('b/vpc'),
    state: 'drifted',
    resources: [{ address: 'aws_vpc.x["a|b"]', actions: ['update'] }],
    ignored: [],
  },
  {
    unit: U('a/eks'),
    state: 'in-sync',
    resources: [],
    ignored: [{ address: 'aws_eks.y', actions: ['update'] }],
    ignoreReason: 'autoscaler',
  },
  {
    unit: U('c/ga'),
    state: 'error',
    resources: [],
    ignored: [],
    error: 'c/ga: `terragrunt plan` exited with code 1:\nError: expired token',
  },
];
const report = buildReport({
  startedAt: '2026-12-06T06:17:00.000Z',
  slice: { index: 2, count: 4 },
  totalUnits: 12,
  units,
  excluded: new Map([[U('d/x'), U('d/x')]]),
  skipped: new Map([[U('e/k8s'), 'no Secrets']]),
});

describe('drift report and summary (pure)', () => {
  it('counts states, sorts units, keeps excluded and skipped apart', () => {
    expect(report.counts).toEqual({ 'in-sync': 1, drifted: 1, error: 1 });
    expect(report.units.map((u) => u.unit)).toEqual([U('a/eks'), U('b/vpc'), U('c/ga')]);
    expect(report.excluded).toEqual([{ unit: U('d/x'), by: U('d/x') }]);
    expect(report.skipped).toEqual([{ unit: U('e/k8s'), reason: 'no Secrets' }]);
  });

  it('summary: scope, errors in their own section, every planned unit, escaped cells', () => {
    const md = renderDriftSummary(report);
    expect(md).toContain('slice 2/4: 3 of 12 units planned read-only');
    expect(md).toContain('1 in sync, 1 drifted, 1 error');
    const errors = md.slice(md.indexOf('### Errors'), md.indexOf('### Every planned unit'));
    expect(errors).toContain('expired token');
    expect(errors).not.toContain('b/vpc');
    expect(md).toContain('`aws_vpc.x["a\\|b"]` (update)');
    expect(md).toContain('ignored: 1 (autoscaler)');
    expect(md).toContain('Not checked');
    expect(md).toContain('exclude block lists "plan"');
  });

  it('issues section lists what was done, including the issue numbers of created issues', () => {
    const r = withIssues(
      report,
      {
        actions: [
          { kind: 'create', unit: U('b/vpc'), title: 't', body: 'b' },
          { kind: 'close', unit: U('z/old'), number: 7, reason: 'deleted', comment: 'c' },
        ],
        untouched: [{ unit: U('c/ga'), number: 9, why: 'plan error this run' }],
        deferred: [{ kind: 'update', unit: U('y'), number: 11, body: 'b' }],
      },
      new Map([[U('b/vpc'), 42]]),
    );
    expect(r.issues).toEqual([
      { unit: U('b/vpc'), number: 42, action: 'create' },
      { unit: U('z/old'), number: 7, action: 'close', why: 'deleted' },
      { unit: U('c/ga'), number: 9, action: 'untouched', why: 'plan error this run' },
      {
        unit: U('y'),
        number: 11,
        action: 'deferred',
        why: 'update left to the next run: --max-issue-writes reached',
      },
    ]);
    expect(renderDriftSummary(r)).toContain('create #42');
  });

  it('a summary over the size limit drops table rows, says how many, and keeps the errors', () => {
    const many = buildReport({
      startedAt: report.startedAt,
      slice: undefined,
      totalUnits: 3000,
      units: [
        ...Array.from(
          { length: 3000 },
          (_, i): UnitDrift => ({
            unit: U(`r/u${i}`),
            state: 'in-sync',
            resources: [],
            ignored: [],
          }),
        ),
        { unit: U('zz/err'), state: 'error', resources: [], ignored: [], error: 'boom' },
      ],
      excluded: new Map(),
    });
    const md = renderDriftSummary(many, 50_000);
    expect(md.length).toBeLessThanOrEqual(50_000);
    expect(md).toMatch(/… \d+ more rows \(see the JSON report\)/);
    expect(md).toContain('boom');
    expect(md).toContain('all 3000 units');
  });
});
