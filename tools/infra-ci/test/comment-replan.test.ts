import { describe, expect, it } from 'vitest';
import {
  type Differs,
  differingAddresses,
  renderReplanReview,
} from '../src/plan/comment-replan.js';
import { COMMENT_MAX, REPLAN_MARKER } from '../src/plan/summary.js';

const c = (address: string, actions = ['create']) => ({
  add: 1,
  change: 0,
  destroy: 0,
  resources: [{ address, actions }],
});
const d = (unit: string, when: Differs['when']): Differs => ({
  unit,
  fresh: c(`${unit}.fresh`, ['delete', 'create']),
  reviewed: c(`${unit}.reviewed`),
  when,
});

describe('the re-plan review comment', () => {
  it('carries its marker, each unit with why, the fresh plan before the reviewed one', () => {
    const md = renderReplanReview({
      mergeCommit: 'abcdef0123',
      differs: [d('vpc', 'merge'), d('eks', 'upstream')],
    });
    expect(md.split('\n')[0]).toBe(REPLAN_MARKER);
    expect(md).toContain('`vpc`, `eks` need review');
    expect(md.indexOf('vpc.fresh')).toBeLessThan(md.indexOf('vpc.reviewed'));
    expect(md).toContain('`vpc.fresh`: delete, create');
    expect(md.slice(md.indexOf('#### `vpc`'), md.indexOf('#### `eks`'))).toContain(
      "with main's code before anything was applied",
    );
    expect(md.slice(md.indexOf('#### `eks`'))).toContain('mock or stale outputs');
  });

  it('names the resources that differ and shows their attributes', () => {
    const sg = (cidr: string) => ({
      add: 0,
      change: 1,
      destroy: 0,
      resources: [
        { address: 'aws_vpc.main', actions: ['update'] },
        {
          address: 'aws_security_group_rule.api',
          actions: ['update'],
          attrs: [{ path: 'cidr_blocks[0]', before: '"10.0.0.0/8"', after: cidr }],
        },
      ],
    });
    const md = renderReplanReview({
      mergeCommit: 'abcdef0123',
      differs: [
        { unit: 'vpc', fresh: sg('"0.0.0.0/0"'), reviewed: sg('"10.1.0.0/16"'), when: 'merge' },
      ],
    });
    expect(md).toContain('**Differs in** 1 resource(s): `aws_security_group_rule.api`.');
    expect(md).toContain('  - `cidr_blocks[0]`: `"10.0.0.0/8"` → `"0.0.0.0/0"`');
    expect(md).toContain('  - `cidr_blocks[0]`: `"10.0.0.0/8"` → `"10.1.0.0/16"`');
    // After an upstream apply, values came from mock outputs: only actions are compared.
    expect(differingAddresses(sg('"a"'), sg('"b"'), false)).toEqual([]);
    expect(differingAddresses(sg('"a"'), { ...sg('"a"'), resources: [] }, false)).toEqual([
      'aws_security_group_rule.api',
      'aws_vpc.main',
    ]);
  });

  it('fits a comment however many resources and units change, and says how many it left out', () => {
    const big = {
      add: 20_000,
      change: 0,
      destroy: 0,
      resources: Array.from({ length: 20_000 }, (_, i) => ({
        address: `module.nodes.aws_instance.worker[${i}]`,
        actions: ['create'],
      })),
    };
    for (const n of [1, 3, 200]) {
      const differs = Array.from({ length: n }, (_, i) => ({
        unit: `u${i}`,
        fresh: big,
        reviewed: big,
        when: 'merge' as const,
      }));
      const md = renderReplanReview({ mergeCommit: 'abcdef0123', differs });
      expect(md.length).toBeLessThanOrEqual(COMMENT_MAX);
      expect(md).toMatch(/… and \d+ more|truncated/);
    }
    const one = renderReplanReview({
      mergeCommit: 'abcdef0123',
      differs: [{ unit: 'eks', fresh: big, reviewed: big, when: 'upstream' }],
    });
    expect(one).toContain('`module.nodes.aws_instance.worker[0]`: create');
  });
});
