import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactName } from '../src/plan/bundle.js';
import { PLAN_MARKER, REPLAN_MARKER } from '../src/plan/summary.js';
import { type Ran, spawnCli } from './helpers/cli.js';
import { E, infraTree, TempRepo, touchedCommon } from './helpers/repo.js';
import { type GitHubServer, startGitHubServer } from './support/github-server.js';
import { Standin } from './support/terragrunt-standin/index.js';

// PR -> `infra-ci plan --comment` -> artifact -> merge -> `infra-ci apply`, through the built CLI
// (root `npm test` builds first), the stand-in terragrunt and the local GitHub server.
const P = `${E}/prod`;
const PR = 5;

let server: GitHubServer;
let repo: TempRepo;
let standin: Standin;
let tmp: string;
let head: string;
let base: string;

beforeAll(async () => {
  server = await startGitHubServer();
  standin = new Standin();
  tmp = mkdtempSync(path.join(tmpdir(), 'infra-ci-e2e-'));
  repo = new TempRepo().write(infraTree());
  base = repo.commit('base');
  repo.git('checkout', '-q', '-b', 'pr');
  repo.write(touchedCommon('vpc', 'eks'));
  head = repo.commit('vpc and eks');
});
afterAll(async () => {
  await server.close();
  repo.cleanup();
  standin.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

/** Spawns the CLI without blocking this process (the GitHub server runs in it). */
function cli(
  args: string[],
  env: Record<string, string> = {},
  onSpawn?: (child: ChildProcess) => void,
): Promise<Ran> {
  const github = {
    GITHUB_API_URL: server.url,
    GITHUB_TOKEN: server.token,
    GITHUB_REPOSITORY: server.repository,
  };
  return spawnCli(args, repo.dir, { ...standin.env(), ...github, ...env }, onSpawn);
}

const bundle = () => path.join(tmp, 'bundle');
/** What the PR's second plan holds for eu-central-1/vpc: every re-plan at merge must find it again. */
const VPC_UPDATE = { resources: [{ address: 'aws_vpc.main', actions: ['update'] }] };
const summaryFile = () => path.join(tmp, 'step-summary.md');
const applyCalls = (from: number) =>
  standin
    .calls(repo.dir)
    .slice(from)
    .filter((c) => c.startsWith('apply'));

describe('infra-ci plan/apply end to end (spawned CLI, local GitHub API)', () => {
  it('--help explains the flow, the refusals and the exit codes', async () => {
    const [plan, apply] = await Promise.all([cli(['plan', '--help']), cli(['apply', '--help'])]);
    expect(plan.stdout).toContain('merge base');
    expect(plan.stdout).toContain(PLAN_MARKER);
    expect(apply.stdout).toContain('stale plan');
    expect(apply.stdout).toContain('4 refused');
    expect(apply.stdout).toContain('5 review needed');
  });

  it('plan --comment: one PR comment, updated on re-run; job summary and step outputs', async () => {
    const output = path.join(tmp, 'gh-output');
    const env = { GITHUB_STEP_SUMMARY: summaryFile(), GITHUB_OUTPUT: output };
    const args = ['plan', '--base', 'main', '--out', bundle(), '--pr', String(PR), '--comment'];
    const first = await cli(args, env);
    expect(first.stderr).not.toMatch(/^infra-ci:/m);
    expect(first.status).toBe(0);
    // One progress line per terragrunt call on stderr, for the CI log.
    expect(first.stderr).toMatch(
      new RegExp(
        `^\\[infra-ci\\] ok   ${P}/eu-central-1/vpc: terragrunt plan \\(\\d+\\.\\d s\\)$`,
        'm',
      ),
    );
    standin.scenario({ units: { 'eu-central-1/vpc': VPC_UPDATE } });
    // The re-run takes the PR number from the event payload, as in Actions.
    const event = path.join(tmp, 'event.json');
    writeFileSync(event, JSON.stringify({ action: 'synchronize', pull_request: { number: PR } }));
    const second = await cli(
      args.filter((a, i) => a !== '--pr' && args[i - 1] !== '--pr'),
      { ...env, GITHUB_EVENT_PATH: event },
    );
    expect(second.status).toBe(0);
    const comments = server.comments(PR);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.startsWith(PLAN_MARKER)).toBe(true);
    expect(comments[0]?.body).toContain('~ aws_vpc.main (update)');
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(readFileSync(summaryFile(), 'utf8')).toContain(`| apply 2 | \`${P}/eu-west-2/eks\``);
    expect(readFileSync(output, 'utf8')).toContain(`artifact=${artifactName(head)}\nunits=4\n`);
  });

  it('merge: upload the bundle as the artifact, merge the PR', () => {
    const files: Record<string, Uint8Array> = {
      'manifest.json': readFileSync(path.join(bundle(), 'manifest.json')),
    };
    for (const f of readdirSync(path.join(bundle(), 'units'))) {
      files[`units/${f}`] = readFileSync(path.join(bundle(), 'units', f));
    }
    server.addArtifact({ name: artifactName(head), headSha: head, runId: 11, files });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', 'merge', 'pr');
    const merge = repo.git('rev-parse', 'HEAD').trim();
    server.addPull({ number: PR, headSha: head, baseSha: base, mergeCommitSha: merge });
    server.addRun({ id: 18, status: 'in_progress', createdAt: '2026-11-27T01:00:00Z' });
    server.addRun({ id: 20, status: 'queued', createdAt: '2026-11-27T01:02:00Z' });
  });

  it('a second apply started while one runs is refused (exit 4) and applies nothing; the first finishes', async () => {
    const release = path.join(tmp, 'release-first-apply');
    standin.scenario({
      units: { 'eu-central-1/vpc': { ...VPC_UPDATE, block: { on: 'apply', until: release } } },
    });
    const from = standin.calls(repo.dir).length;
    const first = cli(['apply', '--work', path.join(tmp, 'work-1'), '--parallelism', '1'], {
      GITHUB_RUN_ID: '18',
    });
    // Bounded wait until run 18 is inside `terragrunt apply` of its first unit.
    for (let i = 0; !applyCalls(from).includes(`apply ${P}/eu-central-1/vpc`); i++) {
      if (i > 750) throw new Error('the first apply never reached its first unit');
      await new Promise((r) => setTimeout(r, 20));
    }
    const during = standin.calls(repo.dir).length;
    const second = await cli(['apply', '--work', path.join(tmp, 'work-2')], {
      GITHUB_RUN_ID: '20',
    });
    expect(second.status).toBe(4);
    expect(second.stderr).toContain(
      'another apply is running: https://github.com/acme/platform/actions/runs/18',
    );
    expect(second.stdout).toContain('**Refused — nothing applied.**');
    expect(standin.calls(repo.dir)).toHaveLength(during);
    writeFileSync(release, '');
    const done = await first;
    expect(done.status).toBe(0);
    expect(applyCalls(from)).toHaveLength(4);
  });

  it('a cancelled apply (SIGTERM) stops its running unit, starts nothing more and says what applied (exit 1)', async () => {
    standin.scenario({
      units: {
        'eu-central-1/vpc': {
          ...VPC_UPDATE,
          block: { on: 'apply', until: path.join(tmp, 'never') },
        },
      },
    });
    const from = standin.calls(repo.dir).length;
    let child: ChildProcess | undefined;
    const done = cli(
      ['apply', '--work', path.join(tmp, 'work-3'), '--parallelism', '1'],
      { GITHUB_RUN_ID: '18' },
      (c) => {
        child = c;
      },
    );
    for (let i = 0; !applyCalls(from).includes(`apply ${P}/eu-central-1/vpc`); i++) {
      if (i > 750) throw new Error('the apply never reached its first unit');
      await new Promise((r) => setTimeout(r, 20));
    }
    child?.kill('SIGTERM');
    const r = await done;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[infra-ci] SIGTERM: stopping');
    expect(r.stdout).toContain('**Apply failed.**');
    expect(r.stdout).toMatch(
      /\| apply 1 \| `[^`]*eu-west-2\/vpc` \| apply \| .* \| not started \|/,
    );
    expect(applyCalls(from)).toEqual([`apply ${P}/eu-central-1/vpc`]);
  });

  it('a re-planned unit that differs stops with exit 5 and the fresh plan posted on the PR', async () => {
    standin.scenario({
      units: {
        'eu-central-1/vpc': VPC_UPDATE,
        'eu-west-2/eks': {
          resources: [{ address: 'aws_eks_cluster.this', actions: ['delete', 'create'] }],
        },
      },
    });
    const from = standin.calls(repo.dir).length;
    const r = await cli(['apply', '--work', path.join(tmp, 'work'), '--parallelism', '1'], {
      GITHUB_RUN_ID: '18',
    });
    expect(r.stderr).toContain(`re-planned ${P}/eu-west-2/eks differs from the reviewed plan`);
    expect(r.status).toBe(5);
    expect(applyCalls(from)).not.toContain(`apply ${P}/eu-west-2/eks`);
    const replan = server.comments(PR).find((c) => c.body.startsWith(REPLAN_MARKER));
    expect(replan?.body).toContain('`aws_eks_cluster.this`: delete, create');
  });

  it('apply downloads the artifact, applies wave by wave and writes the job summary (exit 0)', async () => {
    standin.scenario({ units: { 'eu-central-1/vpc': VPC_UPDATE } });
    const from = standin.calls(repo.dir).length;
    const r = await cli(['apply', '--work', path.join(tmp, 'work'), '--parallelism', '1'], {
      GITHUB_RUN_ID: '18',
      GITHUB_STEP_SUMMARY: summaryFile(),
    });
    expect(r.stderr).not.toMatch(/^infra-ci:/m);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`[infra-ci] ok   ${P}/eu-west-2/eks: terragrunt backend bootstrap`);
    expect(applyCalls(from)).toEqual([
      `apply ${P}/eu-central-1/vpc`,
      `apply ${P}/eu-west-2/vpc`,
      `apply ${P}/eu-central-1/eks`,
      `apply ${P}/eu-west-2/eks`,
    ]);
    const md = readFileSync(summaryFile(), 'utf8');
    expect(md).toContain(`(PR #${PR})`);
    expect(md).toMatch(
      new RegExp(
        `\\| apply 1 \\| \`${P}/eu-central-1/vpc\` \\| apply \\| re-planned at merge: sha256 \`[0-9a-f]{12}\` \\(reviewed \`${head.slice(0, 7)}\` · sha256 \`[0-9a-f]{12}\`\\) \\| applied \\|`,
      ),
    );
    expect(md).toContain(
      '| apply 2 | `infra/environments/prod/eu-west-2/eks` | apply | re-planned at merge',
    );
    // The CLI holds GITHUB_TOKEN; terragrunt and terraform children never see it.
    const events = standin.events();
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.token)).toEqual([]);
  });
});
