import { describe, expect, it } from 'vitest';
import type { PlanArtifact } from '../src/github/port.js';
import { artifactProblem, PLAN_WORKFLOW, pickArtifact } from '../src/orchestrate/binding.js';

const bound = { pr: 3, baseBranch: 'main', workflowPath: PLAN_WORKFLOW };
const art = (id: number, run: Partial<PlanArtifact['run']> = {}): PlanArtifact => ({
  id,
  name: 'infra-plans-x',
  runId: 100 + id,
  headSha: 'a'.repeat(40),
  createdAt: '',
  run: {
    event: 'pull_request',
    workflowPath: PLAN_WORKFLOW,
    pullRequests: [{ number: 3, baseRef: 'main' }],
    ...run,
  },
});

describe('artifactProblem', () => {
  it('accepts a pull_request run of infra-pr for this PR into main', () => {
    expect(artifactProblem(art(1), bound)).toBeUndefined();
  });
  it.each([
    [{ workflowPath: '.github/workflows/app-pr.yml' }, 'of .github/workflows/app-pr.yml, not'],
    [{ event: 'workflow_dispatch' }, 'a workflow_dispatch run, not a pull_request run'],
    [{ pullRequests: [] }, 'for no pull request, not for the merged PR #3'],
    [{ pullRequests: [{ number: 4, baseRef: 'main' }] }, 'for #4, not for the merged PR #3'],
    [{ pullRequests: [{ number: 3, baseRef: 'release' }] }, 'with base release, not main'],
  ])('refuses %j', (run, reason) => {
    expect(artifactProblem(art(1, run), bound)).toContain(reason);
  });
});

describe('pickArtifact', () => {
  it('takes the newest bound candidate: a newer unbound upload cannot block the apply', () => {
    const got = pickArtifact([art(2, { pullRequests: [] }), art(1)], bound);
    expect(got).toEqual({ artifact: art(1) });
  });
  it("lists every candidate's reason when none is bound", () => {
    const got = pickArtifact([art(2, { event: 'push' }), art(1, { pullRequests: [] })], bound);
    expect('problems' in got && got.problems).toEqual([
      'artifact infra-plans-x (id 2) was uploaded by run 102, a push run, not a pull_request run',
      'artifact infra-plans-x (id 1) was uploaded by run 101 for no pull request, not for the merged PR #3',
    ]);
  });
});
