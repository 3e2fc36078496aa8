/** Test side of the stand-in terragrunt/terraform (see standin.sh for its behaviour). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRunner, type TerragruntRunner } from '../../../src/terragrunt/runner.js';

/** Folder holding the `terragrunt` and `terraform` stand-in executables: put it first on PATH. */
export const STANDIN_BIN = path.dirname(fileURLToPath(import.meta.url));

export interface ResourceSpec {
  address: string;
  actions: string[];
  /** More members of `change` (before, after, after_unknown, *_sensitive), as show -json prints. */
  change?: Record<string, unknown>;
}

export interface UnitScenario {
  resources?: ResourceSpec[];
  destroyResources?: ResourceSpec[];
  fail?: ('plan' | 'show' | 'apply' | 'bootstrap' | 'delete')[];
  block?: { on: string; until: string };
  touch?: { on: string; path: string };
  /** `output_changes` of a (non-destroy) plan: output name -> actions. */
  outputs?: Record<string, string[]>;
  /** Exit code of a successful plan whatever it holds (a terragrunt that loses exit code 2). */
  planExit?: number;
  /** One line every call prints to stderr first (e.g. Terragrunt's warning that it used mocks). */
  stderr?: string;
}

export interface Scenario {
  versions?: { terraform?: string; terragrunt?: string };
  /** Keyed by a suffix of the unit folder, e.g. "eu-central-1/vpc". */
  units?: Record<string, UnitScenario>;
  /** Resources of a plan for units without their own (`[]`: every other unit is in sync). */
  defaultResources?: ResourceSpec[];
  /** Seconds every plan sleeps (benchmarks: a plan takes time). */
  planDelaySeconds?: number;
}

export interface StandinCall {
  tool: 'terragrunt' | 'terraform';
  cwd: string;
  args: string[];
  end?: true;
  code?: number;
  /** Whether GITHUB_TOKEN or GH_TOKEN was set in the call's environment. */
  token: boolean;
}

/** One test's stand-in: its own log and scenario files in a temp folder. */
export class Standin {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'standin-'));
  readonly logFile = path.join(this.dir, 'calls.jsonl');
  readonly scenarioDir = path.join(this.dir, 'scenario');

  constructor(scenario: Scenario = {}) {
    this.scenario(scenario);
  }

  /** Replace the scenario: written as the folder of small files standin.sh reads. */
  scenario(s: Scenario): this {
    const d = this.scenarioDir;
    rmSync(d, { recursive: true, force: true });
    mkdirSync(path.join(d, 'units'), { recursive: true });
    const put = (file: string, text: string) => writeFileSync(path.join(d, file), `${text}\n`);
    if (s.versions?.terraform) put('terraform_version', s.versions.terraform);
    if (s.versions?.terragrunt) put('terragrunt_version', s.versions.terragrunt);
    const changes = (rs: ResourceSpec[]) =>
      rs
        .map((r) =>
          JSON.stringify({ address: r.address, change: { ...r.change, actions: r.actions } }),
        )
        .join(',');
    if (s.defaultResources) put('default_resources', changes(s.defaultResources));
    if (s.planDelaySeconds !== undefined) put('plan_delay', String(s.planDelaySeconds));
    Object.entries(s.units ?? {}).forEach(([key, u], i) => {
      mkdirSync(path.join(d, 'units', String(i)));
      const f = (name: string) => path.join('units', String(i), name);
      put(f('key'), key);
      if (u.resources) put(f('resources'), changes(u.resources));
      if (u.destroyResources) put(f('destroy_resources'), changes(u.destroyResources));
      if (u.fail) put(f('fail'), u.fail.join(' '));
      if (u.stderr !== undefined) put(f('stderr'), u.stderr);
      if (u.block) {
        put(f('block_on'), u.block.on);
        put(f('block_until'), u.block.until);
      }
      if (u.outputs) {
        const members = Object.entries(u.outputs).map(
          ([name, actions]) => `${JSON.stringify(name)}:${JSON.stringify({ actions })}`,
        );
        put(f('outputs'), members.join(','));
      }
      if (u.planExit !== undefined) put(f('plan_exit'), String(u.planExit));
      if (u.touch) {
        put(f('touch_on'), u.touch.on);
        put(f('touch_path'), u.touch.path);
      }
    });
    return this;
  }

  /** Environment for children: stand-in first on PATH, log and scenario set. */
  env(): Record<string, string> {
    return {
      PATH: `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
      STANDIN_LOG: this.logFile,
      STANDIN_SCENARIO: this.scenarioDir,
    };
  }

  runner(): TerragruntRunner {
    return createRunner({ env: this.env() });
  }

  /** Every log line (starts and ends), in order. */
  events(): StandinCall[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as StandinCall);
  }

  /** Calls (start lines) of terragrunt, as "<op> <unit suffix relative to root>". */
  calls(root: string): string[] {
    return this.events()
      .filter((e) => e.tool === 'terragrunt' && !e.end && e.args[0] !== '--version')
      .map((e) => {
        const op = e.args[0] === 'backend' ? `backend ${e.args[1]}` : (e.args[0] ?? '');
        const destroy = e.args.includes('-destroy') ? ' -destroy' : '';
        return `${op}${destroy} ${path.relative(root, e.cwd)}`;
      });
  }

  /** Highest number of terragrunt calls running at the same time, from the log. */
  maxConcurrent(op: string): number {
    let now = 0;
    let max = 0;
    for (const e of this.events()) {
      if (e.tool !== 'terragrunt' || e.args[0] !== op) continue;
      now += e.end ? -1 : 1;
      max = Math.max(max, now);
    }
    return max;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
