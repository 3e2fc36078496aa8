import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { DriftReport } from '../../drift/report.js';
import { CliError } from '../../errors.js';
import type { Io } from '../io.js';
import { addCacheOptions, cacheDirOption, choice, rootOption, UNITS_ROOT } from '../options.js';
import type { Services } from '../program.js';
import { positiveInt } from './plan.js';

const HELP = `
Read-only: every unit (or one slice) of the working tree — check out the default branch — is
planned with
  terragrunt plan -input=false -lock=false -detailed-exitcode -out=<tmp> --non-interactive
  terragrunt show -json <tmp> --non-interactive
in dependency waves, at most --concurrency at once inside a wave. Nothing is ever applied, and no
pull request is opened. Units an exclude block leaves out of "plan" are not planned.

Per unit: in-sync | drifted (the resources and outputs the plan would change, with their
actions) | error (the plan failed: never counted as in sync). Known drift is ignored when the
unit's own terragrunt.hcl lists it:
  locals {
    infra_ci_drift = { ignore = ["<resource address>", "module.x.*"], reason = "why" }
  }

--time-budget M: no unit plan starts after M minutes; the units left are reported as error (not
planned), so the report and the issues are still written before the job's timeout.

Slices: --slice i/n plans slice i of n; --rotate k/n plans slice (k mod n)+1, e.g. the run
number. A unit's slice is a hash of its id, so n consecutive runs plan every unit once, and adding
a unit never moves another one.

--issues keeps one GitHub issue per drifted unit (label infra-drift, hidden marker in the body;
needs GITHUB_TOKEN, GITHUB_REPOSITORY): created, updated while the drift persists, closed when
the unit is back in sync or deleted; left alone when the unit's plan errs or it was not planned.
Writes are paced (one a second, under GitHub's secondary rate limits) and capped per run by
--max-issue-writes; what is left is listed as deferred and done by the next run.

Output: a markdown summary (every planned unit's state; also appended to $GITHUB_STEP_SUMMARY),
or with --format json the JSON report; --report <file> writes the JSON report too.

Exit codes: 0 checked (drift or not) · 1 a unit's plan failed (reported as error) · 2 bad input
or config (a malformed infra_ci_drift at file:line) · 3 terragrunt/terraform/git missing, or a
GitHub call failed · 6 drift found, with --fail-on-drift
`;

interface DriftCliOptions {
  root?: string;
  slice?: string;
  rotate?: string;
  concurrency: string;
  format: string;
  report?: string;
  issues?: boolean;
  runUrl?: string;
  failOnDrift?: boolean;
  maxIssueWrites: string;
  timeBudget?: string;
  cache: boolean;
  cacheDir?: string;
}

/** The `drift` command's name, help and options. */
function driftCommand(program: Command): Command {
  return program
    .command('drift')
    .summary('read-only plan of every unit (or a slice): in-sync, drifted or error per unit')
    .description(
      'Plan every unit (or a rotating slice) read-only in dependency waves, report each unit as in-sync, drifted or error, and optionally keep one GitHub issue per drifted unit.',
    )
    .option('--root <dir>', UNITS_ROOT)
    .option('--slice <i/n>', 'plan only slice i of n')
    .option('--rotate <k/n>', 'plan slice (k mod n)+1 of n, k a run counter such as the run number')
    .option('--concurrency <n>', 'unit plans running at once inside a wave', '4')
    .option(
      '--time-budget <minutes>',
      'start no unit plan after this many minutes; the units left are reported as error (not planned)',
    )
    .option('--format <format>', 'stdout: markdown or json', 'markdown')
    .option('--report <file>', 'also write the JSON report to this file')
    .option(
      '--issues',
      'create/update/close the drift issues (needs GITHUB_TOKEN, GITHUB_REPOSITORY)',
    )
    .option('--run-url <url>', 'link to this run, put in the issues')
    .option(
      '--max-issue-writes <n>',
      'GitHub writes per run at most (closes first, then creates, then updates; the rest waits for the next run)',
      '100',
    )
    .option('--fail-on-drift', 'exit 6 when a unit drifted (and none failed)')
    .addHelpText('after', HELP);
}

export function register(program: Command, io: Io, services: Services): void {
  addCacheOptions(driftCommand(program)).action((o: DriftCliOptions) =>
    runDriftCommand(o, io, services),
  );
}

async function runDriftCommand(o: DriftCliOptions, io: Io, services: Services): Promise<void> {
  const { slice, concurrency, format, maxWrites, timeBudgetMinutes } = await parseOptions(o);
  // Credentials are checked before anything is planned.
  const issuePort = o.issues ? await (services.issues ?? defaultIssues)(io.env.github) : undefined;
  const { runDrift } = await import('../../drift/run.js');
  const { withIssues } = await import('../../drift/report.js');
  const run = await runDrift(
    {
      repoRoot: io.env.cwd,
      root: rootOption(io.env.cwd, o.root, 'infra/environments'),
      slice,
      concurrency,
      timeBudgetMinutes,
      cacheDir: cacheDirOption(io.env.cwd, o, io.env.cacheDir),
    },
    await services.runner(io.env),
  );
  let report = run.report;
  if (issuePort !== undefined) {
    const { syncIssues } = await import('../../drift/sync.js');
    try {
      const synced = await syncIssues(
        issuePort,
        report.units,
        run.allUnits,
        { runUrl: o.runUrl, now: report.startedAt, root: run.root },
        maxWrites,
      );
      report = withIssues(report, synced.decisions, synced.created);
    } catch (e) {
      await emitDrift(io, report, format, o.report); // the states are known even when GitHub failed
      throw e;
    }
  }
  await emitDrift(io, report, format, o.report);
  exitFor(report, o.failOnDrift === true);
}

/** The report on stdout (markdown or JSON), in --report's file and in the step summary. */
async function emitDrift(
  io: Io,
  report: DriftReport,
  format: string,
  reportFile: string | undefined,
): Promise<void> {
  const { renderDriftSummary } = await import('../../drift/report.js');
  const md = renderDriftSummary(report);
  io.stdout(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${md}\n`);
  if (reportFile !== undefined) {
    await writeFile(path.resolve(io.env.cwd, reportFile), `${JSON.stringify(report, null, 2)}\n`);
  }
  if (io.env.githubStepSummary !== undefined) {
    await io.appendFile(io.env.githubStepSummary, `${md}\n`);
  }
}

/** The options that need checking, each an input error (exit 2) naming the option. */
async function parseOptions(o: DriftCliOptions) {
  const { parseRotation, parseSlice } = await import('../../drift/slice.js');
  if (o.slice !== undefined && o.rotate !== undefined) {
    throw new CliError('input', '--slice and --rotate name the slice twice: give one');
  }
  if (o.runUrl !== undefined && !/^https?:\/\/\S+$/.test(o.runUrl)) {
    throw new CliError('input', `--run-url must be an http(s) URL (got "${o.runUrl}")`);
  }
  return {
    slice:
      o.slice !== undefined
        ? parseSlice(o.slice)
        : o.rotate !== undefined
          ? parseRotation(o.rotate)
          : undefined,
    concurrency: positiveInt('concurrency', o.concurrency),
    maxWrites: positiveInt('max-issue-writes', o.maxIssueWrites),
    timeBudgetMinutes:
      o.timeBudget === undefined ? undefined : positiveInt('time-budget', o.timeBudget),
    format: choice('format', o.format, ['markdown', 'json'] as const),
  };
}

/** Errors first (never hidden behind drift), then drift with --fail-on-drift; else exit 0. */
function exitFor(report: DriftReport, failOnDrift: boolean): void {
  const { counts } = report;
  if (counts.error > 0) {
    const units = report.units.filter((u) => u.state === 'error').map((u) => u.unit);
    throw new CliError(
      'failed',
      `drift: ${counts.error} unit(s) could not be planned (reported as error, not as in sync): ${units.join(', ')}`,
    );
  }
  if (failOnDrift && counts.drifted > 0) {
    throw new CliError('drifted', `drift: ${counts.drifted} unit(s) drifted`);
  }
}

const defaultIssues: NonNullable<Services['issues']> = async (env) =>
  (await import('../../github/issues.js')).createIssuePort(env);
