import { describe, expect, it } from 'vitest';
import {
  type ApplyReport,
  applyWarnings,
  COMMENT_MAX,
  PLAN_MARKER,
  type PlanReport,
  renderApplySummary,
  renderPlanSummary,
} from '../src/plan/summary.js';

const P = 'infra/environments/prod';
const c = (add: number, change: number, destroy: number, address = 'r.x') => ({
  add,
  change,
  destroy,
  resources: [{ address, actions: ['create'] }],
});

const plan: PlanReport = {
  headSha: '1234567890abcdef1234567890abcdef12345678',
  baseSha: 'fedcba0987654321fedcba0987654321fedcba09',
  moved: [{ from: `${P}/global/ga`, to: `${P}/global/accelerator` }],
  rows: [
    {
      kind: 'apply',
      wave: 1,
      unit: `${P}/eu-central-1/vpc`,
      status: 'planned',
      changes: c(2, 0, 0),
      upstreamChanged: [],
    },
    {
      kind: 'apply',
      wave: 2,
      unit: `${P}/eu-central-1/eks`,
      status: 'planned',
      changes: c(0, 1, 0),
      upstreamChanged: [`${P}/eu-central-1/vpc`],
    },
    {
      kind: 'apply',
      wave: 2,
      unit: `${P}/global/accelerator`,
      status: 'planned',
      changes: c(1, 0, 0),
      upstreamChanged: [],
    },
    {
      kind: 'destroy',
      wave: 1,
      unit: `${P}/global/ga`,
      status: 'planned',
      changes: c(0, 0, 3),
      upstreamChanged: [],
    },
  ],
};

describe('plan summary', () => {
  it('starts with the comment marker and lists units in wave order with counts and flags', () => {
    const md = renderPlanSummary(plan);
    expect(md.split('\n')[0]).toBe(PLAN_MARKER);
    expect(md).toContain('`1234567`');
    expect(md).toContain('+3 to add, ~1 to change, -3 to destroy');
    const rows = md.split('\n').filter((l) => /^\| (apply|destroy) \d/.test(l));
    expect(rows.map((r) => r.split(' | ')[1])).toEqual([
      `\`${P}/eu-central-1/vpc\``,
      `\`${P}/eu-central-1/eks\``,
      `\`${P}/global/accelerator\``,
      `\`${P}/global/ga\``,
    ]);
    expect(rows[0]).toContain('| 2 | 0 | 0 |');
    expect(rows[1]).toContain(`upstream changed (\`${P}/eu-central-1/vpc\`): re-planned at merge`);
    expect(rows[2]).toContain(`moved from \`${P}/global/ga\``);
    expect(rows[3]).toContain(`moved to \`${P}/global/accelerator\``);
    expect(md).toContain('<details><summary>Resource changes</summary>');
  });

  it('names a failed unit and the ones not started, and says nothing can be applied', () => {
    const md = renderPlanSummary({
      ...plan,
      moved: [],
      rows: [
        {
          kind: 'apply',
          wave: 1,
          unit: 'a',
          status: 'failed',
          upstreamChanged: [],
          error: 'a: `terragrunt plan` exited with code 1:\nError: boom | pipe',
        },
        {
          kind: 'apply',
          wave: 1,
          unit: 'b',
          status: 'planned',
          changes: c(1, 0, 0),
          upstreamChanged: [],
        },
        { kind: 'apply', wave: 2, unit: 'c', status: 'not started', upstreamChanged: [] },
      ],
    });
    expect(md).toContain('**Plan failed** for 1 unit(s); 1 not started');
    expect(md).toContain(
      '**failed**: a: `terragrunt plan` exited with code 1: Error: boom \\| pipe',
    );
    expect(md).toMatch(/\| apply 2 \| `c` \| apply \| – \| – \| – \| not started \|/);
  });

  it('says when there is nothing to plan', () => {
    expect(renderPlanSummary({ ...plan, moved: [], rows: [] })).toContain('nothing to plan');
  });
});

const applied: ApplyReport = {
  mergeCommit: 'abcdef0123456789abcdef0123456789abcdef01',
  pr: 7,
  headSha: plan.headSha,
  outcome: { kind: 'failed', message: '1 unit(s) failed' },
  rows: [
    {
      step: 'moved',
      wave: 1,
      unit: 'old',
      action: 'destroy',
      planSha256: '0'.repeat(64),
      result: 'destroyed',
    },
    {
      step: 'apply',
      wave: 1,
      unit: 'vpc',
      action: 'apply',
      planSha256: 'a1'.repeat(32),
      result: 'applied',
    },
    {
      step: 'apply',
      wave: 2,
      unit: 'eks',
      action: 'apply',
      planSha256: 'b2'.repeat(32),
      freshSha256: 'c3'.repeat(32),
      result: 'failed',
      error: 'eks: boom',
    },
    {
      step: 'destroy',
      wave: 1,
      unit: 'gone',
      action: 'destroy',
      planSha256: 'd4'.repeat(32),
      result: 'not started',
    },
  ],
};

describe('apply summary', () => {
  it('tables wave, unit, action, source plan (head SHA, sha256) and result', () => {
    const md = renderApplySummary(applied);
    expect(md).toContain('### infra-ci apply of `abcdef0` (PR #7)');
    expect(md).toContain('**Apply failed.** 1 unit(s) failed');
    expect(md).toContain('Applied: 2 · failed: 1 · differs from review: 0 · not started: 1');
    expect(md).toContain(
      '| destroy first 1 | `old` | destroy | `1234567` · sha256 `000000000000` | destroyed |',
    );
    expect(md).toContain(
      '| apply 1 | `vpc` | apply | `1234567` · sha256 `a1a1a1a1a1a1` | applied |',
    );
    expect(md).toContain(
      're-planned at merge: sha256 `c3c3c3c3c3c3` (reviewed `1234567` · sha256 `b2b2b2b2b2b2`) | **failed**: eks: boom |',
    );
    expect(md).toContain('| destroy 1 | `gone` | destroy |');
    expect(md.indexOf('destroy first 1')).toBeLessThan(md.indexOf('| apply 1'));
  });

  it('a refusal says nothing was applied and why', () => {
    const md = renderApplySummary({
      mergeCommit: applied.mergeCommit,
      outcome: { kind: 'refused', message: 'stale plan: …' },
      rows: [],
    });
    expect(md).toContain('**Refused — nothing applied.** stale plan: …');
    expect(md).not.toContain('| wave |');
  });
});

describe('summary size limits', () => {
  const many: PlanReport = {
    ...plan,
    moved: [],
    rows: Array.from({ length: 400 }, (_, i) => ({
      kind: 'apply' as const,
      wave: 1,
      unit: `${P}/region-${i}/vpc`,
      status: 'planned' as const,
      changes: {
        add: 30,
        change: 0,
        destroy: 0,
        resources: Array.from({ length: 30 }, (_, j) => ({
          address: `module.vpc.aws_subnet.private[${j}]`,
          actions: ['create'],
        })),
      },
      upstreamChanged: [],
    })),
  };

  it('a PR comment leaves out the resource list, then rows, and says so', () => {
    expect(renderPlanSummary(many).length).toBeGreaterThan(COMMENT_MAX);
    const fits = renderPlanSummary(many, COMMENT_MAX);
    expect(fits.length).toBeLessThanOrEqual(COMMENT_MAX);
    expect(fits).not.toContain('<details>');
    expect(fits).toContain('| apply 1 | `infra/environments/prod/region-399/vpc`');
    expect(fits).toContain('The resource list is left out to fit');
    const tight = renderPlanSummary(many, 5_000);
    expect(tight.length).toBeLessThanOrEqual(5_000);
    const shown = tight.split('\n').filter((l) => l.startsWith('| apply')).length;
    expect(tight).toContain(`…and ${400 - shown} more unit(s)`);
  });
});

describe('exclude blocks in the summaries', () => {
  const V = `${P}/global/github-oidc`;
  const D = `${P}/eu-central-1/vpc`;
  it('plan: excluded from plan is listed as such; apply-by-hand units get the command, also via a dependent', () => {
    const md = renderPlanSummary({
      headSha: plan.headSha,
      baseSha: plan.baseSha,
      moved: [],
      rows: [
        {
          kind: 'apply',
          wave: 1,
          unit: V,
          status: 'planned',
          changes: c(0, 1, 0),
          upstreamChanged: [],
          excluded: { action: 'apply', by: V },
        },
        {
          kind: 'apply',
          wave: 1,
          unit: D,
          status: 'planned',
          changes: c(0, 1, 0),
          upstreamChanged: [],
          excluded: { action: 'apply', by: `${P}/eu-central-1/eks` },
        },
        {
          kind: 'apply',
          wave: 0,
          unit: `${P}/global/ga`,
          status: 'excluded',
          upstreamChanged: [],
          excluded: { action: 'plan', by: `${P}/global/ga` },
        },
      ],
    });
    expect(md).toContain('**2 unit(s) planned**');
    expect(md).toContain('**1 unit(s) excluded from plan**');
    expect(md).toContain('**2 unit(s) to apply by hand**');
    expect(md).toContain(
      `- \`${V}\`: \`cd ${V} && terragrunt apply\` (in a checkout of main, with admin credentials)`,
    );
    expect(md).toContain(
      `**apply by hand**: excluded from apply by the \`exclude\` block of \`${P}/eu-central-1/eks\` (exclude_dependencies)`,
    );
    expect(md).toContain(
      `| – | \`${P}/global/ga\` | apply | – | – | – | **excluded from plan** by its \`exclude\` block: not planned, not applied |`,
    );
  });

  it('apply: skipped rows and one ::warning each, data escaped as GitHub workflow commands need', () => {
    const r: ApplyReport = {
      mergeCommit: 'abcdef1234567890abcdef1234567890abcdef12',
      outcome: { kind: 'applied' },
      rows: [
        {
          step: 'apply',
          wave: 1,
          unit: V,
          action: 'apply',
          planSha256: 'a'.repeat(64),
          result: 'excluded',
          excludedBy: V,
        },
        {
          step: 'destroy',
          wave: 1,
          unit: `${P}/x%y`,
          action: 'destroy',
          planSha256: 'b'.repeat(64),
          result: 'excluded',
          excludedBy: `${P}/x%y`,
        },
        {
          step: 'apply',
          wave: 2,
          unit: D,
          action: 'apply',
          planSha256: 'c'.repeat(64),
          result: 'applied',
        },
      ],
    };
    const md = renderApplySummary(r);
    expect(md).toContain('**Applied** 1 unit(s). 2 skipped');
    expect(md).toContain('| skipped: excluded from apply (apply by hand) |');
    expect(md).toContain('| skipped: excluded from destroy (destroy by hand) |');
    expect(applyWarnings(r)).toEqual([
      `::warning title=infra-ci apply::${V} was not applied: excluded from apply by its exclude block. Apply it by hand: cd ${V} && terragrunt apply (checkout of main, admin credentials)`,
      `::warning title=infra-ci apply::${P}/x%25y was not destroyed: excluded from destroy by its exclude block. Destroy it by hand: cd ${P}/x%25y && terragrunt destroy (checkout of the merge base, admin credentials)`,
    ]);
    expect(applyWarnings({ ...r, rows: r.rows.slice(2) })).toEqual([]);
  });
});
