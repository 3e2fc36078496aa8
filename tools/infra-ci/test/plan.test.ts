import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { planChanges } from '../src/orchestrate/plan.js';
import { planFileOf, sha256File } from '../src/plan/bundle.js';
import { PLAN_MARKER } from '../src/plan/summary.js';
import { inProcessIo } from './helpers/cli.js';
import { E, infraTree, TempRepo, touchedCommon } from './helpers/repo.js';
import { FakeGitHub } from './support/fake-github.js';
import { Standin } from './support/terragrunt-standin/index.js';

const P = `${E}/prod`;
let repo: TempRepo;
let standin: Standin;
let out: string;
let base: string;

/** infraTree() plus a third region, so a wave can hold more units than the parallelism. */
function tree(): Record<string, string> {
  const t = infraTree();
  t[`${P}/us-east-1/region.hcl`] = 'locals {\n  aws_region = "us-east-1"\n}\n';
  t[`${P}/us-east-1/vpc/terragrunt.hcl`] = t[`${P}/eu-west-2/vpc/terragrunt.hcl`] as string;
  t[`${P}/us-east-1/eks/terragrunt.hcl`] = t[`${P}/eu-west-2/eks/terragrunt.hcl`] as string;
  return t;
}

beforeEach(() => {
  repo = new TempRepo().write(tree());
  base = repo.commit('base');
  standin = new Standin();
  out = mkdtempSync(path.join(tmpdir(), 'plans-'));
});
afterEach(() => {
  repo.cleanup();
  standin.cleanup();
  rmSync(out, { recursive: true, force: true });
});

const plan = (parallelism = 2) =>
  planChanges(
    { repoRoot: repo.dir, base, head: 'HEAD', root: E, tree: 'infra', out, parallelism, pr: 9 },
    standin.runner(),
  );

const touchCommon = (...names: string[]) => {
  repo.write(touchedCommon(...names));
  return repo.commit(`change ${names.join(' ')}`);
};

describe('infra-ci plan (library, stand-in terragrunt)', () => {
  it('plans wave by wave with bounded parallelism and writes the manifest', async () => {
    const head = touchCommon('vpc', 'eks', 'ga');
    // eu-central-1/vpc waits until eu-west-2/vpc has started: only possible if they run together.
    const barrier = path.join(standin.dir, 'barrier');
    standin.scenario({
      units: {
        'eu-central-1/vpc': {
          block: { on: 'plan', until: barrier },
          resources: [{ address: 'aws_vpc.this', actions: ['create'] }],
        },
        'eu-west-2/vpc': { touch: { on: 'plan', path: barrier } },
      },
    });
    const r = await plan(2);
    expect(r.failure).toBeUndefined();

    const waves = [
      [`${P}/eu-central-1/vpc`, `${P}/eu-west-2/vpc`, `${P}/us-east-1/vpc`],
      [`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`, `${P}/us-east-1/eks`],
      [`${P}/global/ga`],
    ];
    // Wave order in the log: every plan of wave n ends before any plan of wave n+1 starts.
    const ev = standin.events().filter((e) => e.tool === 'terragrunt' && e.args[0] === 'plan');
    const waveOf = (cwd: string) =>
      waves.findIndex((w) => w.includes(path.relative(repo.dir, cwd)));
    for (let n = 0; n < waves.length - 1; n++) {
      const lastEnd = ev.findLastIndex((e) => e.end && waveOf(e.cwd) === n);
      const firstStart = ev.findIndex((e) => !e.end && waveOf(e.cwd) === n + 1);
      expect(lastEnd).toBeLessThan(firstStart);
    }
    expect(standin.maxConcurrent('plan')).toBe(2);
    // Each unit: plan to an absolute path in the bundle, then show -json of it, in the unit folder.
    const calls = standin.calls(repo.dir);
    expect(calls.filter((c) => c.startsWith('plan ')).sort()).toEqual(
      waves
        .flat()
        .map((u) => `plan ${u}`)
        .sort(),
    );
    const vpc = standin
      .events()
      .find((e) => e.args[0] === 'plan' && e.cwd.endsWith('eu-central-1/vpc'));
    expect(vpc?.args).toEqual([
      'plan',
      '-input=false',
      '-lock-timeout=5m',
      `-out=${path.join(out, planFileOf(`${P}/eu-central-1/vpc`))}`,
      '--non-interactive',
    ]);

    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({
      version: 1,
      pr: 9,
      headSha: head,
      baseSha: base,
      mergeBase: base,
      infraTree: repo.git('rev-parse', `${head}:infra`).trim(),
      terraformVersion: '1.9.8',
      terragruntVersion: '0.83.2',
      applyWaves: waves,
      destroyWaves: [],
      moved: [],
    });
    expect(Object.keys(m.units).sort()).toEqual(waves.flat().sort());
    const vpcEntry = m.units[`${P}/eu-central-1/vpc`];
    expect(vpcEntry).toEqual({
      kind: 'apply',
      wave: 1,
      file: planFileOf(`${P}/eu-central-1/vpc`),
      sha256: await sha256File(path.join(out, vpcEntry.file)),
      upstreamChanged: [],
      changes: {
        add: 1,
        change: 0,
        destroy: 0,
        resources: [{ address: 'aws_vpc.this', actions: ['create'] }],
      },
    });
    expect(m.units[`${P}/eu-west-2/eks`].upstreamChanged).toEqual([`${P}/eu-west-2/vpc`]);
    expect(m.units[`${P}/global/ga`]).toMatchObject({
      wave: 3,
      upstreamChanged: [`${P}/eu-central-1/eks`, `${P}/eu-west-2/eks`],
    });
  });

  it('plans destroyed units with -destroy from a merge-base worktree, dependents first, then removes it', async () => {
    repo.remove(`${P}/global/ga`).remove(`${P}/eu-west-2/eks`);
    repo.commit('delete');
    const r = await plan();
    expect(r.failure).toBeUndefined();
    const destroys = standin.events().filter((e) => !e.end && e.args[0] === 'plan');
    expect(destroys.map((e) => e.args.includes('-destroy'))).toEqual([true, true]);
    // cwd is the unit inside a worktree of the merge base, not the working tree (where it is gone).
    expect(destroys.map((e) => e.cwd.split('/checkout/')[1])).toEqual([
      `${P}/global/ga`,
      `${P}/eu-west-2/eks`,
    ]);
    expect(destroys[0]?.cwd.startsWith(repo.dir)).toBe(false);
    expect(existsSync(destroys[0]?.cwd as string)).toBe(false);
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(r.manifest?.destroyWaves).toEqual([[`${P}/global/ga`], [`${P}/eu-west-2/eks`]]);
    expect(r.manifest?.units[`${P}/global/ga`]?.changes).toMatchObject({ add: 0, destroy: 1 });
  });

  it('removes the merge-base worktree also when a destroy plan fails', async () => {
    repo.remove(`${P}/global/ga`);
    repo.commit('delete ga');
    standin.scenario({ units: { 'global/ga': { fail: ['plan'] } } });
    const r = await plan();
    expect(r.failure).toContain(`${P}/global/ga: \`terragrunt plan`);
    const cwd = standin.events().find((e) => e.args[0] === 'plan')?.cwd as string;
    expect(cwd).toContain('/checkout/');
    expect(existsSync(cwd)).toBe(false);
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('a failing unit plan lets its wave finish, starts nothing more and writes no manifest', async () => {
    touchCommon('vpc', 'eks');
    standin.scenario({ units: { 'eu-central-1/vpc': { fail: ['plan'] } } });
    const r = await plan(2);
    expect(r.failure).toContain(
      `${P}/eu-central-1/vpc: \`terragrunt plan -input=false -lock-timeout=5m -out=`,
    );
    expect(r.failure).toContain('exited with code 1:\nError: stand-in plan failure');
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
    const status = Object.fromEntries(r.report.rows.map((x) => [x.unit, x.status]));
    expect(status).toEqual({
      [`${P}/eu-central-1/vpc`]: 'failed',
      [`${P}/eu-west-2/vpc`]: 'planned',
      [`${P}/us-east-1/vpc`]: 'not started',
      [`${P}/eu-central-1/eks`]: 'not started',
      [`${P}/eu-west-2/eks`]: 'not started',
      [`${P}/us-east-1/eks`]: 'not started',
    });
    expect(standin.calls(repo.dir).filter((c) => c.startsWith('plan'))).toHaveLength(2);
  });
});

describe('infra-ci plan command (in process, fake GitHub)', () => {
  it('--comment updates the one PR comment instead of adding another; the summary goes to $GITHUB_STEP_SUMMARY', async () => {
    touchCommon('vpc');
    const gh = new FakeGitHub();
    const { io, out: captured } = inProcessIo(
      ['plan', '--base', base, '--out', out, '--pr', '5', '--comment'],
      repo.dir,
      {
        githubStepSummary: '/summary.md',
        github: {
          apiUrl: 'http://x',
          token: 't',
          repository: 'o/r',
          runId: undefined,
          eventPath: undefined,
        },
      },
    );
    const services = { github: async () => gh, runner: async () => standin.runner() };
    let stderr = '';
    expect(await run(io, (t) => (stderr += t), services)).toBe(0);
    expect(stderr).toBe('');
    standin.scenario({
      units: { vpc: { resources: [{ address: 'aws_vpc.x', actions: ['update'] }] } },
    });
    expect(await run(io, (t) => (stderr += t), services)).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toContain(PLAN_MARKER);
    // The comment of plan/comment.ts: the unit's folded diff and the graph (issue #19).
    expect(gh.comments[0]?.body).toContain('~ aws_vpc.x (update)');
    expect(gh.comments[0]?.body).toContain('```mermaid');
    expect(captured.written['/summary.md']?.split(PLAN_MARKER)).toHaveLength(3);
    expect(captured.stdout).toContain(`infra-ci plan: 3 unit plan(s) written to ${out}`);
  });
});
