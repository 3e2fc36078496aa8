import { describe, expect, it } from 'vitest';
import type { DriftIgnore } from '../src/drift/config.js';
import { classifyPlan } from '../src/drift/state.js';

const U = 'infra/environments/prod/global/ga';
const plan = (
  rc: { address: string; actions: string[] }[],
  outputs: Record<string, string[]> = {},
) => ({
  format_version: '1.2',
  resource_changes: rc.map((r) => ({ address: r.address, change: { actions: r.actions } })),
  output_changes: Object.fromEntries(Object.entries(outputs).map(([k, a]) => [k, { actions: a }])),
});
const ignore = (patterns: string[]): DriftIgnore => ({
  ignore: patterns,
  skip: false,
  reason: 'pinned by the failover controller',
  file: `${U}/terragrunt.hcl`,
  line: 3,
});

describe('a unit drift state from the detailed exit code and the JSON plan', () => {
  it('exit 0 and nothing to do (reads and no-ops only): in sync', () => {
    const d = classifyPlan(
      U,
      0,
      plan([
        { address: 'data.x.y', actions: ['read'] },
        { address: 'a.b', actions: ['no-op'] },
      ]),
    );
    expect(d).toEqual({ unit: U, state: 'in-sync', resources: [], ignored: [] });
  });

  it('exit 0 with resource_changes omitted (terraform omits the empty list): in sync', () => {
    expect(classifyPlan(U, 0, { format_version: '1.2' }).state).toBe('in-sync');
  });

  it('exit 2: drifted, with the resources and outputs that would change, sorted', () => {
    const d = classifyPlan(
      U,
      2,
      plan(
        [
          { address: 'b.z', actions: ['update'] },
          { address: 'a.y', actions: ['delete', 'create'] },
          { address: 'c.unchanged', actions: ['no-op'] },
        ],
        { dns_name: ['update'], same: ['no-op'] },
      ),
    );
    expect(d.state).toBe('drifted');
    expect(d.resources).toEqual([
      { address: 'a.y', actions: ['delete', 'create'] },
      { address: 'b.z', actions: ['update'] },
      { address: 'output.dns_name', actions: ['update'] },
    ]);
  });

  it('known drift listed in infra_ci_drift is ignored, not hidden: in sync when nothing else changes', () => {
    const d = classifyPlan(
      U,
      2,
      plan([{ address: 'aws_ga.eg["eu-west-2"]', actions: ['update'] }]),
      ignore(['aws_ga.eg[*]']),
    );
    expect(d).toMatchObject({
      state: 'in-sync',
      resources: [],
      ignored: [{ address: 'aws_ga.eg["eu-west-2"]', actions: ['update'] }],
      ignoreReason: 'pinned by the failover controller',
    });
    const mixed = classifyPlan(
      U,
      2,
      plan([
        { address: 'aws_ga.eg["eu-west-2"]', actions: ['update'] },
        { address: 'aws_ga.listener', actions: ['update'] },
      ]),
      ignore(['aws_ga.eg[*]']),
    );
    expect(mixed.state).toBe('drifted');
    expect(mixed.resources.map((r) => r.address)).toEqual(['aws_ga.listener']);
  });

  it('exit 2 but nothing in the JSON plan: an error, never in sync', () => {
    const d = classifyPlan(U, 2, plan([{ address: 'a.b', actions: ['no-op'] }]));
    expect(d.state).toBe('error');
    expect(d.error).toContain('cannot tell drift from a tool fault');
  });

  it('exit 0 but changes in the JSON plan (a terragrunt that lost code 2): drifted, with a note', () => {
    const d = classifyPlan(U, 0, plan([{ address: 'a.b', actions: ['update'] }]));
    expect(d.state).toBe('drifted');
    expect(d.note).toContain('JSON plan was used');
  });

  it.each([[null], ['text'], [{ resource_changes: [] }], [[1, 2]]])(
    'a document that is not a JSON plan (%j) is an error',
    (doc) => {
      expect(classifyPlan(U, 0, doc).state).toBe('error');
    },
  );
});
