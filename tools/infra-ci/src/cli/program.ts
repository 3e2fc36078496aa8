import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { Env, GitHubEnv } from '../env.js';
import { CliError } from '../errors.js';
import type { IssuePort } from '../github/issues.js';
import type { GitHubPort } from '../github/port.js';
import type { TerragruntRunner } from '../terragrunt/runner.js';
import { register as apply } from './commands/apply.js';
import { register as changes } from './commands/changes.js';
import { register as drift } from './commands/drift.js';
import { register as graph } from './commands/graph.js';
import { register as plan } from './commands/plan.js';
import { register as validate } from './commands/validate.js';
import { register as vendorModules } from './commands/vendor.js';
import type { Io } from './io.js';

/**
 * The adapters plan/apply use; the CLI and the tests share this one factory. Both are loaded on
 * first use: the GitHub client (Octokit) and the runner's plan schema (zod) would otherwise add
 * ~0.1–0.2 s to every `changes` and `--help`.
 */
export interface Services {
  github(env: GitHubEnv): Promise<GitHubPort>;
  runner(env: Env): Promise<TerragruntRunner>;
  /** The drift issues (`drift --issues`); default: the REST client of src/github/issues.ts. */
  issues?(env: GitHubEnv): Promise<IssuePort>;
}

/** One stderr line per terragrunt call: CI logs show progress while a long apply runs. */
export function progressLine(unit: string, command: string, code: number, ms: number): string {
  const verb = command.split(' ').slice(1, 3).join(' ').replace(/ -.*$/, '');
  // `plan -detailed-exitcode` (drift) exits 2 when the plan has changes: a success.
  const ok = code === 0 || (code === 2 && command.includes(' -detailed-exitcode'));
  return `[infra-ci] ${ok ? 'ok  ' : 'FAIL'} ${unit}: terragrunt ${verb} (${(ms / 1000).toFixed(1)} s${code === 0 ? '' : ok ? ', changes' : `, exit ${code}`})\n`;
}

export const defaultServices: Services = {
  github: async (env) => (await import('../github/client.js')).createGitHubPort(env),
  runner: async (env) => {
    const { createRunner } = await import('../terragrunt/runner.js');
    // A cancelled job (SIGINT/SIGTERM): running terragrunt calls get SIGINT and stop cleanly,
    // nothing more starts, and the summary still says what was applied. A second signal kills.
    const cancel = new AbortController();
    const stop = (sig: NodeJS.Signals) => {
      process.stderr.write(`[infra-ci] ${sig}: stopping (running terragrunt calls get SIGINT)\n`);
      cancel.abort();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return createRunner({
      env: env.childEnv,
      signal: cancel.signal,
      onCall: (unit, command, code, ms) => {
        process.stderr.write(progressLine(unit, command, code, ms));
      },
    });
  },
};

/** Every command module exports `register(program, io, services)`; add new ones here. */
const COMMANDS: ((program: Command, io: Io, services: Services) => void)[] = [
  changes,
  graph,
  validate,
  plan,
  apply,
  drift,
  vendorModules,
];

/** The `version` of tools/infra-ci/package.json, for `--version`. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version ?? '0.0.0');
}

export function buildProgram(io: Io, services: Services = defaultServices): Command {
  const program = new Command('infra-ci')
    .description(
      'Change detection, dependency graph, checks, and plan/apply in dependency order for the Terragrunt tree',
    )
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, io, services);
  return program;
}

/** Run the CLI; returns the exit code. Errors are caught here, once. */
export async function run(
  io: Io,
  stderr: (t: string) => void,
  services: Services = defaultServices,
): Promise<number> {
  try {
    await buildProgram(io, services).parseAsync(io.env.args, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      stderr(`infra-ci: ${err.message}\n`);
      return err.exitCode;
    }
    stderr(
      `infra-ci: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 70;
  }
}
