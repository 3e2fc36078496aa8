import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../../errors.js';
import type { GitHubPort } from '../../github/port.js';
import type { PlanResult } from '../../orchestrate/plan.js';
import {
  COMMENT_MAX,
  PLAN_MARKER,
  renderPlanSummary,
  STEP_SUMMARY_MAX,
} from '../../plan/summary.js';
import type { Io } from '../io.js';
import { addCacheOptions, cacheDirOption, rootOption, UNITS_ROOT } from '../options.js';
import type { Services } from '../program.js';

const HELP = `
Flow (PR):
  1. changes between the merge base of --base/--head and --head (as \`infra-ci changes\`)
  2. changed units planned wave by wave, dependencies first (at most --parallelism at a time
     inside a wave; a wave starts when the previous one finished), in the checkout of --head:
       terragrunt plan -input=false -lock-timeout=5m -out=<abs>.tfplan --non-interactive
       terragrunt show -json <abs>.tfplan --non-interactive
  3. destroyed units (and the old side of moved ones) planned with -destroy from a temporary
     \`git worktree\` of the merge base, in reverse dependency order; the worktree is removed after
  4. the bundle: <out>/manifest.json + <out>/units/<unit id with / as __>.tfplan, with head/base
     SHAs, the git tree hash of --tree at head, terraform/terragrunt versions and each plan's
     sha256 (upload it as the artifact infra-plans-<head sha>)
  5. a markdown summary (per wave: unit, kind, +add ~change -destroy, moved / upstream-changed
     flags) printed, appended to $GITHUB_STEP_SUMMARY when set, and with --comment created or
     updated (never duplicated) as the PR comment marked ${PLAN_MARKER}

A unit whose direct dependency also changed is flagged "upstream changed": its plan used mock or
stale outputs, so \`infra-ci apply\` re-plans it at merge and applies it only if identical.

Exclude blocks (Terragrunt's \`exclude { if, actions, exclude_dependencies }\`, merged over includes):
a unit excluded from "plan" (or "all"/"all_except_output") is not planned and listed as excluded;
one excluded only from "apply"/"destroy" is planned and marked "apply by hand" with the command to
run (\`cd <unit> && terragrunt apply\`, admin credentials); \`infra-ci apply\` skips it.
exclude_dependencies = true excludes the unit's direct dependencies from the same action.

A failing unit plan: the wave's running plans finish, nothing more starts, no manifest is
written, the summary names the failed unit(s); exit 1. Except a unit whose mocked upstream is
new in this change (or has no outputs yet) and changed in it: it is "planned after its upstream
applies" (no plan file; own section in the summary); apply re-plans it at merge and stops for review.
With $GITHUB_OUTPUT set, appends artifact=infra-plans-<head sha> and units=<count>.

Exit codes: 0 planned · 1 a unit's plan failed · 2 bad input/config · 3 terragrunt/terraform/git missing
`;

interface PlanCliOptions {
  base: string;
  head: string;
  root?: string;
  tree?: string;
  out: string;
  parallelism: string;
  pr?: string;
  comment?: boolean;
  cache: boolean;
  cacheDir?: string;
}

/** A positive integer option, e.g. --parallelism 4 (shared with apply). */
export function positiveInt(name: string, value: string): number {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new CliError('input', `--${name} must be a positive integer (got "${value}")`);
  }
  return Number(value);
}

/** pull_request.number of the event that started the workflow, if it was a PR event. */
async function prFromEvent(eventPath: string | undefined): Promise<number | undefined> {
  if (eventPath === undefined) return undefined;
  try {
    const ev = JSON.parse(await readFile(eventPath, 'utf8')) as {
      pull_request?: { number?: unknown };
    };
    const n = ev.pull_request?.number;
    return typeof n === 'number' ? n : undefined;
  } catch (e) {
    throw new CliError(
      'input',
      `cannot read $GITHUB_EVENT_PATH ${eventPath}: ${(e as Error).message}`,
    );
  }
}

/** The `plan` command's name, help and options. */
function planCommand(program: Command): Command {
  return program
    .command('plan')
    .summary('PR flow: plan changed units wave by wave and write the plan bundle')
    .description(
      'Plan every changed unit in dependency waves (destroyed units from the merge base), write the plan bundle the merge applies, and summarise it.',
    )
    .requiredOption('--base <ref>', 'base git ref (plans the diff from its merge base with head)')
    .option('--head <ref>', 'head git ref (the PR head)', 'HEAD')
    .option('--root <dir>', UNITS_ROOT)
    .option(
      '--tree <dir>',
      'folder whose git tree pins the plans (default: infra in the repository)',
    )
    .option(
      '--out <dir>',
      'bundle folder (manifest.json and units/ are replaced)',
      '.infra-ci/plans',
    )
    .option('--parallelism <n>', 'unit plans running at once inside a wave', '4')
    .option('--pr <number>', 'pull request number (default: from $GITHUB_EVENT_PATH)')
    .option('--comment', 'create or update the PR comment (needs GITHUB_TOKEN, GITHUB_REPOSITORY)')
    .addHelpText('after', HELP);
}

export function register(program: Command, io: Io, services: Services): void {
  addCacheOptions(planCommand(program)).action((o: PlanCliOptions) => runPlan(o, io, services));
}

async function runPlan(o: PlanCliOptions, io: Io, services: Services): Promise<void> {
  const parallelism = positiveInt('parallelism', o.parallelism);
  const pr =
    o.pr === undefined ? await prFromEvent(io.env.github.eventPath) : positiveInt('pr', o.pr);
  if (o.comment && pr === undefined) {
    throw new CliError(
      'input',
      '--comment needs the pull request number: --pr N, or $GITHUB_EVENT_PATH of a pull_request event',
    );
  }
  const github = o.comment ? await services.github(io.env.github) : undefined;
  const out = path.resolve(io.env.cwd, o.out);
  const { planChanges } = await import('../../orchestrate/plan.js');
  const result = await planChanges(
    {
      repoRoot: io.env.cwd,
      base: o.base,
      head: o.head,
      root: rootOption(io.env.cwd, o.root, 'infra/environments'),
      tree: rootOption(io.env.cwd, o.tree, 'infra'),
      out,
      parallelism,
      ...(pr === undefined ? {} : { pr }),
      cacheDir: cacheDirOption(io.env.cwd, o, io.env.cacheDir),
    },
    await services.runner(io.env),
  );
  await publishPlan(io, result, out, github, pr);
}

/** The summary printed and appended, the PR comment, and the bundle's name in $GITHUB_OUTPUT. */
async function publishPlan(
  io: Io,
  result: PlanResult,
  out: string,
  github: GitHubPort | undefined,
  pr: number | undefined,
): Promise<void> {
  const { artifactName } = await import('../../plan/bundle.js');
  const { renderPlanComment } = await import('../../plan/comment.js');
  io.stdout(renderPlanSummary(result.report));
  // Job summary and PR comment: with the dependency graph and per-unit attribute diffs.
  const comment = {
    report: result.report,
    deps: result.deps,
    artifact: artifactName(result.report.headSha),
  };
  if (io.env.githubStepSummary !== undefined) {
    await io.appendFile(io.env.githubStepSummary, renderPlanComment(comment, STEP_SUMMARY_MAX));
  }
  if (github !== undefined && pr !== undefined) {
    await github.upsertComment(pr, PLAN_MARKER, renderPlanComment(comment, COMMENT_MAX));
  }
  if (result.failure !== undefined) throw new CliError('failed', result.failure);
  const m = result.manifest;
  if (m !== undefined) {
    if (io.env.githubOutput !== undefined) {
      await io.appendFile(
        io.env.githubOutput,
        `artifact=${artifactName(m.headSha)}\nunits=${Object.keys(m.units).length}\n`,
      );
    }
    io.stdout(
      `\ninfra-ci plan: ${Object.keys(m.units).length} unit plan(s) written to ${out} (artifact ${artifactName(m.headSha)})\n`,
    );
  }
}
