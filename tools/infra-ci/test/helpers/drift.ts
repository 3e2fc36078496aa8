/**
 * One drift test's world: a git repository shaped like infra/ (test/helpers/repo.ts), the
 * stand-in terragrunt, and the local GitHub REST server; `drift()` runs the CLI in process.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../src/cli/program.js';
import type { DriftReport } from '../../src/drift/report.js';
import type { GitHubEnv } from '../../src/env.js';
import { createIssuePort, type IssueClientOptions } from '../../src/github/issues.js';
import { type GitHubServer, startGitHubServer } from '../support/github-server.js';
import { type Scenario, Standin } from '../support/terragrunt-standin/index.js';
import { inProcessIo, type Ran, spawnCli } from './cli.js';
import { E, infraTree, TempRepo } from './repo.js';

export const P = `${E}/prod`;
export const VPC = `${P}/eu-central-1/vpc`;
export const EKS = `${P}/eu-central-1/eks`;
export const GA = `${P}/global/ga`;
/** Every unit of infraTree(), sorted. */
export const ALL = [EKS, VPC, `${P}/eu-west-2/eks`, `${P}/eu-west-2/vpc`, GA].sort();
export const vpcDrift = {
  'eu-central-1/vpc': { resources: [{ address: 'aws_vpc.main', actions: ['update'] }] },
};

export const stateOf = (r: DriftReport | undefined, unit: string) =>
  r?.units.find((u) => u.unit === unit)?.state;

export interface DriftRan {
  code: number;
  stderr: string;
  stdout: string;
  /** What was appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The --report file, when written. */
  report: DriftReport | undefined;
}

export class DriftHarness {
  private runNo = 0;
  private constructor(
    readonly repo: TempRepo,
    readonly standin: Standin,
    readonly server: GitHubServer,
  ) {}

  static async start(): Promise<DriftHarness> {
    const repo = new TempRepo();
    repo.write(infraTree());
    repo.commit('infra');
    return new DriftHarness(repo, new Standin(), await startGitHubServer());
  }

  async stop(): Promise<void> {
    this.repo.cleanup();
    this.standin.cleanup();
    await this.server.close();
  }

  /** Every unit in sync except the ones given. */
  scenario(units: Scenario['units'] = {}, extra: Partial<Scenario> = {}): void {
    this.standin.scenario({ defaultResources: [], units, ...extra });
  }

  get githubEnv(): GitHubEnv {
    const s = this.server;
    const e = { apiUrl: s.url, token: s.token, repository: s.repository };
    return { ...e, runId: undefined, eventPath: undefined };
  }

  port(options: IssueClientOptions = {}) {
    return createIssuePort(this.githubEnv, { retries: 0, writeIntervalMs: 0, ...options });
  }

  /** `infra-ci drift --report <tmp> ARGS` in process; with `issues`, also --issues --run-url. */
  async drift(args: string[] = [], issues = true): Promise<DriftRan> {
    this.runNo += 1;
    const report = path.join(this.standin.dir, `report-${this.runNo}.json`);
    const argv = ['drift', '--report', report, ...args];
    const runUrl = `https://github.com/acme/platform/actions/runs/${this.runNo}`;
    if (issues) argv.push('--issues', '--run-url', runUrl);
    const { io, out } = inProcessIo(argv, this.repo.dir, {
      githubStepSummary: '/summary.md',
      github: this.githubEnv,
    });
    let stderr = '';
    const code = await run(io, (t) => (stderr += t), {
      github: async () => {
        throw new Error('drift must not use the plan/apply GitHub port');
      },
      runner: async () => this.standin.runner(),
      issues: async (env) =>
        createIssuePort(env, { retries: 0, timeoutMs: 5000, writeIntervalMs: 0 }),
    });
    const parsed = existsSync(report)
      ? (JSON.parse(readFileSync(report, 'utf8')) as DriftReport)
      : undefined;
    const summary = out.written['/summary.md'] ?? '';
    return { code, stderr, stdout: out.stdout, summary, report: parsed };
  }

  openIssues() {
    return this.server.issues.all().filter((i) => i.state === 'open' && !i.isPull);
  }

  /** The built CLI, spawned without blocking this process (the GitHub server runs in it). */
  spawnCli(args: string[], env: Record<string, string>): Promise<Ran> {
    return spawnCli(args, this.repo.dir, env);
  }
}
