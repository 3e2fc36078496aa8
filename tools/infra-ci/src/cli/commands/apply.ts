import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../../errors.js';
import { applyWarnings, renderApplySummary } from '../../plan/summary.js';
import type { Io } from '../io.js';
import { rootOption, UNITS_ROOT } from '../options.js';
import type { Services } from '../program.js';
import { positiveInt } from './plan.js';

const HELP = `
Flow (merge):
  Refusals, checked in this order; each exits 4, names what differs and applies NOTHING:
    1. another run of this workflow, created earlier, is queued or running ("another apply is
       running: <url>"; only with $GITHUB_RUN_ID) -> re-run after it finished
       the previous commit on main that changed --tree has runs of this workflow and none ran to
       an end (cancelled while waiting) -> re-run that apply first: applies go in merge order
    2. no merged pull request has --merge-commit as its merge commit -> changes go through a PR;
       the PR was merged into another branch than --base-branch ("wrong base branch")
    3. no unexpired artifact infra-plans-<PR head sha> -> re-plan needed (re-run the PR plan);
       none of them was uploaded by a pull_request run of infra-pr whose run.pull_requests holds
       this PR with base --base-branch ("artifact not bound to PR #n", each candidate's reason)
    4. the manifest's PR number is not the merged PR's ("PR mismatch"), or its head SHA is not
       the PR's head SHA -> re-plan needed
    5. a plan file's sha256 differs from the manifest (the unit is named) -> re-plan needed
    6. stale plan: git tree of --tree at the merge commit != the one planned at the PR head (the
       base moved after planning) -> a follow-up PR (it plans on top of main); requiring infra
       PRs to be up to date with main before merging prevents it
    7. work list mismatch: changed, moved and deleted units recomputed from git <merge>^1..<merge>
       (the code of \`changes\`, no parse cache) differ from the bundle's: an extra or missing
       unit, a destroy of a unit whose folder the merge keeps, a different upstreamChanged or
       exclusion. Waves, destroys and re-plans then come from this recomputed list, never from
       the manifest (which gives only each unit's plan file, checksum and reviewed changes)
    8. terraform/terragrunt versions differ from the manifest's -> pin the same versions
  Then, in the checkout of the merge commit, before anything is applied: every unit is planned
  again with main's code (\`terragrunt plan\`, \`-destroy\` for deleted/moved-away units in a
  worktree of the merge's first parent; \`terragrunt show -json\`), since the bundle was made by
  the PR's own code. Any unit whose resource changes (address, actions, changed attributes)
  differ from the reviewed plan's -> stop, NOTHING applied, the fresh plans posted as the PR comment marked
  <!-- infra-ci:replan -->, exit 5. Otherwise the plans made at merge are applied, never the
  PR-made files (units whose upstream changed in the same PR are re-planned in their wave, b.):
    a. moved units: the old side's saved destroy plan applied from a worktree of the merge's
       first parent,
       then \`terragrunt backend delete\`
    b. apply waves in order (at most --parallelism units at once inside a wave); each unit:
       \`terragrunt backend bootstrap\`, then \`terragrunt apply <plan made at merge>\`. A unit whose
       upstream changed in the same PR is first re-planned (its upstreams are applied by now):
       same resource changes (address + actions) as reviewed -> the fresh plan is applied;
       different -> stop (no later waves, no destroys), post the fresh plan as the PR comment
       marked <!-- infra-ci:replan -->, exit 5
    c. destroys in reverse dependency order (destroyWaves), \`backend delete\` after each
  A unit the plan marked excluded from apply (destroy) by an exclude block is skipped: nothing
  runs in it (not even a bootstrap), its row says "skipped: excluded from apply (apply by hand)",
  a ::warning annotation names it and the command to run by hand, and the job still exits 0;
  its dependents go on (an upstream-changed one is re-planned as usual).
  A failing unit: running units of that wave finish, nothing more starts, exit 1.
  The summary (stdout and $GITHUB_STEP_SUMMARY) lists per unit: wave, action, the plan it came
  from (PR head SHA, sha256) and the result: applied / destroyed / failed / not started /
  skipped (excluded).

--plans DIR applies an already-downloaded bundle (offline or local use); GitHub checks 1, 2, 4
then run only when GITHUB_TOKEN and GITHUB_REPOSITORY are set. Checks 5-8 always run.

Exit codes: 0 applied · 1 a unit failed · 2 bad input · 3 tool missing · 4 refused · 5 review needed
`;

interface ApplyCliOptions {
  mergeCommit: string;
  root?: string;
  tree?: string;
  work: string;
  parallelism: string;
  plans?: string;
  baseBranch: string;
}

export function register(program: Command, io: Io, services: Services): void {
  program
    .command('apply')
    .summary('merge flow: verify the PR plan bundle, then apply it wave by wave')
    .description(
      'Apply the plans reviewed on the merged PR, in dependency order, only if they are exactly what was reviewed for the tree being merged.',
    )
    .option('--merge-commit <sha>', 'the merge commit on main', 'HEAD')
    .option('--root <dir>', UNITS_ROOT)
    .option(
      '--tree <dir>',
      'folder whose git tree must match the plans (default: infra in the repository)',
    )
    .option('--work <dir>', 'scratch folder: downloaded bundle, re-plans', '.infra-ci/apply')
    .option('--parallelism <n>', 'units applied at once inside a wave', '4')
    .option('--plans <dir>', 'use this already-downloaded bundle instead of the PR artifact')
    .option(
      '--base-branch <name>',
      'the branch infra PRs merge into (plans must target it)',
      'main',
    )
    .addHelpText('after', HELP)
    .action(async (o: ApplyCliOptions) => {
      const parallelism = positiveInt('parallelism', o.parallelism);
      const gh = io.env.github;
      const github =
        o.plans === undefined || (gh.token !== undefined && gh.repository !== undefined)
          ? await services.github(gh)
          : undefined;
      const { applyPlans } = await import('../../orchestrate/apply.js');
      const report = await applyPlans(
        {
          repoRoot: io.env.cwd,
          mergeCommit: o.mergeCommit,
          root: rootOption(io.env.cwd, o.root, 'infra/environments'),
          tree: rootOption(io.env.cwd, o.tree, 'infra'),
          work: path.resolve(io.env.cwd, o.work),
          parallelism,
          baseBranch: o.baseBranch,
          ...(o.plans === undefined ? {} : { plansDir: path.resolve(io.env.cwd, o.plans) }),
          ...(gh.runId === undefined ? {} : { runId: gh.runId }),
        },
        { runner: await services.runner(io.env), ...(github === undefined ? {} : { github }) },
      );
      const md = renderApplySummary(report);
      io.stdout(md);
      if (io.env.githubStepSummary !== undefined) await io.appendFile(io.env.githubStepSummary, md);
      for (const w of applyWarnings(report)) io.stdout(`${w}\n`);
      const out = report.outcome;
      if (out.kind === 'refused') throw new CliError('refused', `refused: ${out.message}`);
      if (out.kind === 'review') throw new CliError('review', out.message);
      if (out.kind === 'failed') throw new CliError('failed', out.message);
    });
}
