/**
 * The plan PR comment (issue #19): attribute-level diffs from terraform's JSON plan with sensitive
 * values masked, folded per unit, size-capped, and the changed units' dependency graph as mermaid.
 * Literal fixtures in the shape of `terraform show -json` resource_changes; structure asserted.
 */
import { describe, expect, it } from 'vitest';
import { changesFromPlanJson } from '../src/plan/bundle.js';
import {
  MERGE_NOTE,
  renderPlanComment,
  renderPlanGraph,
  unitDetails,
} from '../src/plan/comment.js';
import { ATTRS_MAX, attributeDiff, SENSITIVE, UNKNOWN } from '../src/plan/comment-diff.js';
import { PLAN_MARKER, type PlanReport, type PlanRow } from '../src/plan/summary.js';

const SECRET = 'hunter2-do-not-print';
const P = 'infra/environments/prod';

/** `resource_changes` of a plan: a security group opened up, a secret created, a bucket deleted. */
const planJson = {
  format_version: '1.2',
  resource_changes: [
    {
      address: 'aws_security_group_rule.api',
      change: {
        actions: ['update'],
        before: { cidr_blocks: ['10.0.0.0/8'], from_port: 443, description: 'api' },
        after: { cidr_blocks: ['0.0.0.0/0'], from_port: 443, description: 'api' },
        after_unknown: {},
        before_sensitive: {},
        after_sensitive: {},
      },
    },
    {
      address: 'aws_db_instance.main',
      change: {
        actions: ['create'],
        before: null,
        after: { engine: 'postgres', password: SECRET, tags: { team: 'core' } },
        after_unknown: { id: true, arn: true },
        before_sensitive: false,
        after_sensitive: { password: true },
      },
    },
    {
      address: 'aws_s3_bucket.old',
      change: { actions: ['delete'], before: { bucket: 'old' }, after: null },
    },
    {
      address: 'data.aws_caller_identity.me',
      change: { actions: ['read'], before: null, after: {} },
    },
  ],
};

describe('attributeDiff (terraform show -json change → attribute lines)', () => {
  it('an update lists only what changed, with array paths', () => {
    expect(attributeDiff(planJson.resource_changes[0]?.change).attrs).toEqual([
      { path: 'cidr_blocks[0]', before: '"10.0.0.0/8"', after: '"0.0.0.0/0"' },
    ]);
  });

  it('a create lists set attributes, unknown ones as known after apply, sensitive ones masked', () => {
    const d = attributeDiff(planJson.resource_changes[1]?.change);
    expect(d.attrs).toEqual([
      { path: 'arn', after: UNKNOWN },
      { path: 'engine', after: '"postgres"' },
      { path: 'id', after: UNKNOWN },
      { path: 'password', after: SENSITIVE },
      { path: 'tags.team', after: '"core"' },
    ]);
    expect(JSON.stringify(d)).not.toContain(SECRET);
  });

  it('a whole sensitive object is one masked line, whatever its shape', () => {
    const d = attributeDiff({
      actions: ['update'],
      before: { settings: { token: 'a' } },
      after: { settings: { token: SECRET } },
      before_sensitive: { settings: true },
      after_sensitive: { settings: true },
    });
    expect(d.attrs).toEqual([{ path: 'settings', before: SENSITIVE, after: SENSITIVE }]);
  });

  it('a delete has no attribute lines; long values are shortened; many changes are capped', () => {
    expect(attributeDiff(planJson.resource_changes[2]?.change)).toEqual({
      attrs: [],
      omitted: 0,
      digest: '',
    });
    const after = Object.fromEntries(
      Array.from({ length: ATTRS_MAX + 5 }, (_, i) => [
        `k${String(i).padStart(3, '0')}`,
        'x'.repeat(500),
      ]),
    );
    const d = attributeDiff({ actions: ['create'], before: null, after });
    expect(d.attrs).toHaveLength(ATTRS_MAX);
    expect(d.omitted).toBe(5);
    expect(d.attrs[0]?.after?.length).toBeLessThanOrEqual(120);
    expect(d.attrs[0]?.after?.endsWith('…')).toBe(true);
  });

  it('the digest sees what the shortened attributes leave out, and never a sensitive value', () => {
    const long = (tail: string) => ({
      actions: ['create'],
      before: null,
      after: { policy: `${'x'.repeat(300)}${tail}` },
    });
    const a = attributeDiff(long('a'));
    const b = attributeDiff(long('b'));
    expect(a.attrs).toEqual(b.attrs);
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(a.digest).not.toBe(b.digest);
    const secret = (v: string) => ({
      actions: ['update'],
      before: { password: 'old' },
      after: { password: v },
      before_sensitive: { password: true },
      after_sensitive: { password: true },
    });
    // Masked before hashing: two secrets give the same digest (the hash cannot be guessed back).
    expect(attributeDiff(secret('s1')).digest).toBe(attributeDiff(secret('s2')).digest);
  });

  it('changesFromPlanJson carries the masked attributes into the manifest entry', () => {
    const c = changesFromPlanJson(planJson);
    expect(c.resources.map((r) => r.address)).toEqual([
      'aws_db_instance.main',
      'aws_s3_bucket.old',
      'aws_security_group_rule.api',
    ]);
    expect(c.resources[2]?.attrs).toHaveLength(1);
    expect(c.resources[1]).toEqual({ address: 'aws_s3_bucket.old', actions: ['delete'] });
    expect(JSON.stringify(c)).not.toContain(SECRET);
  });
});

const row = (unit: string, kind: 'apply' | 'destroy' = 'apply'): PlanRow => ({
  kind,
  wave: 1,
  unit: `${P}/${unit}`,
  status: 'planned',
  upstreamChanged: [],
  changes: changesFromPlanJson(planJson),
});
const deps: Record<string, string[]> = {
  [`${P}/eu-central-1/vpc`]: [],
  [`${P}/eu-central-1/eks`]: [`${P}/eu-central-1/vpc`],
  [`${P}/eu-central-1/kubernetes`]: [`${P}/eu-central-1/eks`],
  [`${P}/eu-west-2/vpc`]: [],
  [`${P}/global/ga`]: [`${P}/eu-central-1/eks`],
};

describe('renderPlanGraph (mermaid)', () => {
  it('draws changed units highlighted, destroyed ones apart, direct neighbours plain', () => {
    const lines = renderPlanGraph([row('eu-central-1/eks'), row('global/ga', 'destroy')], deps);
    const start = lines.indexOf('```mermaid');
    expect(start).toBeGreaterThan(-1);
    const block = lines.slice(start, lines.indexOf('```', start + 1) + 1);
    expect(block[1]).toBe('graph LR');
    const node = (label: string) => block.find((l) => l.includes(`["${label}"]`));
    expect(node('eu-central-1/eks')).toMatch(/:::changed$/);
    expect(node('global/ga')).toMatch(/:::destroyed$/);
    expect(node('eu-central-1/vpc')).not.toContain(':::');
    expect(node('eu-central-1/kubernetes')).not.toContain(':::');
    expect(node('eu-west-2/vpc')).toBeUndefined();
    const id = (label: string) => node(label)?.trim().split('[')[0];
    expect(block).toContain(`  ${id('eu-central-1/eks')} --> ${id('eu-central-1/vpc')}`);
    expect(block).toContain(`  ${id('global/ga')} --> ${id('eu-central-1/eks')}`);
    expect(block.some((l) => l.startsWith('  classDef changed'))).toBe(true);
    expect(lines.join('\n')).toContain(`under \`${P}/\``);
  });

  it('nothing changed: no graph', () => {
    expect(renderPlanGraph([], deps)).toEqual([]);
  });
});

const report = (rows: PlanRow[]): PlanReport => ({
  headSha: 'a'.repeat(40),
  baseSha: 'b'.repeat(40),
  moved: [],
  rows,
});

describe('renderPlanComment', () => {
  it('summary table, graph, then one folded diff per unit; no secret anywhere', () => {
    const md = renderPlanComment({
      report: report([row('eu-central-1/eks'), row('eu-west-2/vpc')]),
      deps,
      artifact: 'infra-plans-aaa',
    });
    expect(md.split('\n')[0]).toBe(PLAN_MARKER);
    expect(md).toContain('| wave | unit | kind |');
    expect(md).toContain(MERGE_NOTE);
    expect(md.indexOf('```mermaid')).toBeLessThan(md.indexOf('<details>'));
    expect(md.match(/<details><summary>/g)).toHaveLength(2);
    expect(md).toContain('```diff\n+ aws_db_instance.main (create)');
    expect(md).toContain('    ~ cidr_blocks[0]: "10.0.0.0/8" -> "0.0.0.0/0"');
    expect(md).toContain(`    + password = ${SENSITIVE}`);
    expect(md).toContain('- aws_s3_bucket.old (delete)');
    expect(md).not.toContain(SECRET);
    // The flat resource list of the summary is replaced by the details.
    expect(md).not.toContain('<details><summary>Resource changes</summary>');
  });

  it('a diff with backticks gets a longer fence', () => {
    const r = row('eu-west-2/vpc');
    const first = r.changes?.resources[0];
    if (first) first.attrs = [{ path: 'user_data', after: '"```sh\\nrm -rf /\\n```"' }];
    const lines = unitDetails(r);
    expect(lines).toContain('````diff');
    expect(lines).toContain('````');
  });

  it('stays under the GitHub limit with many big units, and says where the rest is', () => {
    const big = (i: number): PlanRow => {
      const after = Object.fromEntries(
        Array.from({ length: 40 }, (_, k) => [`attr_${k}`, 'v'.repeat(100)]),
      );
      return {
        ...row(`region-${i}/vpc`),
        changes: changesFromPlanJson({
          resource_changes: Array.from({ length: 30 }, (_, j) => ({
            address: `aws_subnet.s[${j}]`,
            change: { actions: ['create'], before: null, after },
          })),
        }),
      };
    };
    for (const n of [1, 40]) {
      const md = renderPlanComment({
        report: report(Array.from({ length: n }, (_, i) => big(i))),
        deps: {},
        artifact: 'infra-plans-aaa',
      });
      expect(md.length).toBeLessThanOrEqual(65_536);
      expect(md).toMatch(/truncated.*infra-plans-aaa/);
      expect(md.split('\n')[0]).toBe(PLAN_MARKER);
      // Every <details> that is opened is closed, every fence too.
      expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    }
  });
});
