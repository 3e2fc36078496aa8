import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactName, planFileOf } from '../src/plan/bundle.js';
import { E, infraTree, touchCommon } from './helpers/repo.js';
import type { FakeGitHub } from './support/fake-github.js';
import { P, PR_NUMBER, PrFlow } from './support/terragrunt-standin/pr-flow.js';

// One PR (both VPCs changed), planned and merged once; each test changes what GitHub, the bundle,
// the tree or the tools say, and expects a refusal (exit 4) with nothing applied.
let flow: PrFlow;
beforeAll(async () => {
  flow = new PrFlow();
  await flow.mergedPr(touchCommon('vpc'));
});
afterAll(() => flow.cleanup());

async function refused(gh: FakeGitHub | null, over = {}): Promise<string> {
  const r = await flow.apply(over, gh);
  expect(r.outcome.kind).toBe('refused');
  expect(r.rows).toEqual([]);
  expect(flow.applyCalls()).toEqual([]); // not even a backend bootstrap
  return r.outcome.kind === 'refused' ? r.outcome.message : '';
}

describe('infra-ci apply refusals', () => {
  it('a second apply started while one runs is refused before anything else is asked', async () => {
    const gh = flow.freshGitHub();
    gh.activeRuns = [
      {
        id: 19,
        status: 'in_progress',
        htmlUrl: 'https://github.com/acme/platform/actions/runs/19',
        startedAt: '2026-11-27T00:00:00Z',
      },
    ];
    expect(await refused(gh)).toContain(
      'another apply is running: https://github.com/acme/platform/actions/runs/19',
    );
    expect(gh.calls).toEqual(['earlierActiveRuns 20']);
  });

  it('the previous infra change was never applied (its waiting run was cancelled): refused', async () => {
    const gh = flow.freshGitHub();
    gh.commitRuns.set(flow.base, [
      {
        id: 17,
        status: 'completed',
        conclusion: 'cancelled',
        htmlUrl: 'https://github.com/acme/platform/actions/runs/17',
        startedAt: '2026-11-27T00:00:00Z',
      },
    ]);
    const msg = await refused(gh);
    expect(msg).toContain(`the previous infra change ${flow.base} was never applied`);
    expect(msg).toContain('https://github.com/acme/platform/actions/runs/17 (cancelled)');
    expect(gh.calls).toEqual(['earlierActiveRuns 20', `runsForCommit ${flow.base}`]);
  });

  it('no merged pull request for the merge commit', async () => {
    const gh = flow.freshGitHub();
    gh.pulls.clear();
    expect(await refused(gh)).toContain(`no merged pull request for ${flow.merge}`);
  });

  it('missing artifact', async () => {
    const gh = flow.freshGitHub();
    gh.artifacts = [];
    expect(await refused(gh)).toContain(
      `missing artifact: no unexpired ${artifactName(flow.head)} for PR #${PR_NUMBER} head ${flow.head}; re-plan needed`,
    );
  });

  it('head SHA mismatch: the artifact holds plans of another head', async () => {
    const gh = flow.freshGitHub();
    const other = 'f'.repeat(40);
    gh.pulls.set(flow.merge, {
      number: PR_NUMBER,
      headSha: other,
      baseSha: flow.base,
      baseRef: 'main',
    });
    gh.artifacts = gh.artifacts.map((a) => ({ ...a, name: artifactName(other), headSha: other }));
    expect(await refused(gh)).toContain(
      `head SHA mismatch: the plans are for ${flow.head} but PR #${PR_NUMBER} was merged at head ${other}; re-plan needed`,
    );
  });

  it('checksum mismatch names the unit', async () => {
    const gh = flow.freshGitHub();
    const copy = path.join(flow.tmp, 'tampered');
    cpSync(flow.bundle, copy, { recursive: true });
    writeFileSync(path.join(copy, planFileOf(`${P}/eu-west-2/vpc`)), '{"tampered":true}');
    gh.artifacts = gh.artifacts.map((a) => ({ ...a, dir: copy }));
    const msg = await refused(gh);
    expect(msg).toContain(
      `checksum mismatch: ${P}/eu-west-2/vpc (${planFileOf(`${P}/eu-west-2/vpc`)}: expected`,
    );
    expect(msg).not.toContain('eu-central-1');
  });

  it('versions differ from the ones that planned', async () => {
    flow.standin.scenario({ versions: { terraform: '1.10.0' } });
    try {
      expect(await refused(flow.freshGitHub())).toContain(
        'version mismatch: planned with terraform 1.9.8 / terragrunt 0.83.2, this runner has terraform 1.10.0 / terragrunt 0.83.2',
      );
    } finally {
      flow.standin.scenario({});
    }
  });

  it('a bundle that is not a plan bundle', async () => {
    const gh = flow.freshGitHub();
    const copy = path.join(flow.tmp, 'broken');
    cpSync(flow.bundle, copy, { recursive: true });
    writeFileSync(path.join(copy, 'manifest.json'), '{"version":2}');
    gh.artifacts = gh.artifacts.map((a) => ({ ...a, dir: copy }));
    expect(await refused(gh)).toContain('not a usable plan bundle');
  });

  // Last: it moves main.
  it('stale plan: the base moved (infra changed on main after planning), also offline with --plans', async () => {
    const { repo } = flow;
    repo.git('checkout', '-q', '-b', 'main2', flow.base);
    repo.write({ [`${E}/_common/ga.hcl`]: `${infraTree()[`${E}/_common/ga.hcl`]}# meanwhile\n` });
    repo.commit('infra change on main');
    repo.git('merge', '-q', '--no-ff', '-m', 'merge pr', 'pr');
    const merge = repo.git('rev-parse', 'HEAD').trim();
    const gh = flow.freshGitHub();
    gh.pulls.set(merge, {
      number: PR_NUMBER,
      headSha: flow.head,
      baseSha: flow.base,
      baseRef: 'main',
    });
    const msg = await refused(gh, { mergeCommit: merge });
    expect(msg).toContain(`stale plan: the infra/ tree at ${merge}`);
    expect(msg).toContain(`differs from the planned head ${flow.head}`);
    expect(
      await refused(null, { mergeCommit: merge, plansDir: flow.bundle, runId: undefined }),
    ).toContain('stale plan');
  });
});
