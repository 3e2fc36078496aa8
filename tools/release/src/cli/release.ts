#!/usr/bin/env node
import { appendFile, readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ReleaseError } from '../errors.js';
import { gitReader } from '../io/git.js';
import { type GitHubApi, gitHubApi } from '../io/github.js';
import { manualPromote, setHold } from '../run/manual.js';
import { onSignal } from '../run/on-signal.js';
import { readRegionPin } from '../run/pins.js';
import { stage } from '../run/stage.js';
import { type FailoverState, failoverFromEndpointGroups } from '../train/failover.js';
import { REGIONS } from '../train/regions.js';
import { type ReleaseEnv, readEnv } from './env.js';
import { addImageCommands } from './image-commands.js';
import { addPushCommands } from './push-commands.js';
import { packageVersion } from './version.js';

const SHA = /^[0-9a-f]{40}$/;

async function readJson(file: string | undefined): Promise<unknown> {
  if (file === undefined) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined; // unreadable = unknown failover state, which pauses the train (fail closed)
  }
}

async function failover(opts: GaOptions): Promise<FailoverState> {
  return failoverFromEndpointGroups(await readJson(opts.gaPrimary), await readJson(opts.gaStandby));
}

function github(env: ReleaseEnv): GitHubApi {
  if (env.repository === undefined || !/^[\w.-]+\/[\w.-]+$/.test(env.repository)) {
    throw new ReleaseError('GITHUB_REPOSITORY: expected owner/name');
  }
  if (env.token === undefined) throw new ReleaseError('GITHUB_TOKEN: expected a token');
  return gitHubApi({ apiUrl: env.apiUrl, repository: env.repository, token: env.token });
}

async function emit(env: ReleaseEnv, result: { kind: string; digest?: string }): Promise<void> {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (env.outputFile !== undefined) {
    await appendFile(env.outputFile, `decision=${result.kind}\ndigest=${result.digest ?? ''}\n`);
  }
}

/** A commit SHA, or Flux's revision form `<branch>@sha1:<sha>` (event metadata.revision). */
const checkSha = (value: string, flag: string) => {
  const sha = /^[\w./-]+@sha1:([0-9a-f]{40})$/.exec(value)?.[1] ?? value;
  if (!SHA.test(sha))
    throw new ReleaseError(
      `${flag}: expected a 40-character commit SHA (or <branch>@sha1:<sha>), got "${value}"`,
    );
  return sha;
};

interface GaOptions {
  gaPrimary?: string;
  gaStandby?: string;
}
interface OnSignalOptions extends GaOptions {
  sha: string;
  standbyContext: string;
  fluxCreator: string;
  eventContext?: string;
  history: string;
  repo: string;
}
interface StageOptions extends GaOptions {
  digest: string;
  sourceSha: string;
  /** false with --no-report */
  report: boolean;
  repo: string;
}

const withRepo = (c: Command) => c.option('--repo <dir>', 'repository checkout (root)', '.');
const withGa = (c: Command) =>
  c
    .option('--ga-primary <file>', 'describe-endpoint-group JSON of the primary group')
    .option('--ga-standby <file>', 'describe-endpoint-group JSON of the standby group');

export function program(env: ReleaseEnv): Command {
  const cmd = new Command('release')
    .description(`The release train: ${REGIONS.join(' first, then ')} (tools/release/README.md).`)
    .version(packageVersion());
  addTrainCommands(cmd, env);
  addPinCommands(cmd, env);
  addPushCommands(cmd, env);
  addImageCommands(cmd, env);
  return cmd;
}

/** The train's automatic steps: `on-signal` (the standby reported) and `stage` (a new image). */
function addTrainCommands(cmd: Command, env: ReleaseEnv): void {
  const onSignalCmd = cmd
    .command('on-signal')
    .description('Handle a commit status of the standby: verify it, then pin the primary or report')
    .requiredOption('--sha <sha>', 'commit the status event names')
    .requiredOption('--standby-context <context>', "exact context of the standby's apps status")
    .requiredOption('--flux-creator <login>', "GitHub login of the standby Flux Provider's token")
    .option('--event-context <context>', "the event's own context (others are ignored)");
  withRepo(
    withGa(onSignalCmd).option(
      '--history <n>',
      'first-parent commits of main searched for --sha',
      '200',
    ),
  ).action(async (o: OnSignalOptions) => {
    const historyLimit = Number(o.history);
    if (!Number.isInteger(historyLimit) || historyLimit < 1 || historyLimit > 5000) {
      throw new ReleaseError(`--history: expected an integer 1..5000, got "${o.history}"`);
    }
    const decision = await onSignal(
      { github: github(env), git: gitReader(o.repo) },
      {
        repo: o.repo,
        sha: checkSha(o.sha, '--sha'),
        eventContext: o.eventContext === '' ? undefined : o.eventContext,
        expectedContext: o.standbyContext,
        expectedCreator: o.fluxCreator,
        failover: await failover(o),
        historyLimit,
      },
    );
    await emit(env, decision);
    if (decision.kind === 'stop' || decision.kind === 'reject') process.exitCode = 1;
  });
  const stageCmd = cmd
    .command('stage')
    .description(
      'Pin a freshly pushed digest in the standby (app-merge), unless held or failed over',
    )
    .requiredOption('--digest <sha256:...>', 'the pushed image digest')
    .requiredOption('--source-sha <sha>', 'the commit the image was built from');
  withRepo(
    withGa(stageCmd).option('--no-report', 'do not comment on the release-train issue when paused'),
  ).action(async (o: StageOptions) => {
    const decision = await stage(o.report === false ? undefined : github(env), {
      repo: o.repo,
      digest: o.digest,
      failover: await failover(o),
      sourceSha: checkSha(o.sourceSha, '--source-sha'),
    });
    await emit(env, { ...decision, digest: o.digest });
  });
}

/** The manual commands over the pin files: `hold`, `unhold`, `promote`, `status`. */
function addPinCommands(cmd: Command, env: ReleaseEnv): void {
  const region = ['--region <region>', REGIONS.join(' | ')] as const;
  withRepo(
    cmd
      .command('hold')
      .description('Hold a region: the train leaves its pin alone until "release unhold"')
      .requiredOption(...region)
      .requiredOption('--reason <text>', 'why (shown in the pin file and in reports)'),
  ).action(async (o: { region: string; reason: string; repo: string }) => {
    const r = await setHold(o.repo, o.region, o.reason);
    await emit(env, { kind: r.changed ? 'held' : 'unchanged', digest: r.after.digest });
  });
  withRepo(
    cmd
      .command('unhold')
      .description('Release the hold of a region')
      .requiredOption(...region),
  ).action(async (o: { region: string; repo: string }) => {
    const r = await setHold(o.repo, o.region, null);
    await emit(env, { kind: r.changed ? 'unheld' : 'unchanged', digest: r.after.digest });
  });
  withRepo(
    cmd
      .command('promote')
      .description('Pin a region by hand (the manual override of the train)')
      .requiredOption(...region)
      .requiredOption('--digest <sha256:...>', 'digest to pin')
      .option('--override <reason>', 'allow a digest the standby never ran (recorded in the file)'),
  ).action(async (o: { region: string; digest: string; override?: string; repo: string }) => {
    const r = await manualPromote(o.repo, o.region, o.digest, o.override);
    await emit(env, { kind: r.changed ? 'promoted' : 'unchanged', digest: r.after.digest });
  });
  withRepo(cmd.command('status').description('Print every region pin as JSON')).action(
    async (o: { repo: string }) => {
      const pins = await Promise.all(REGIONS.map(async (r) => [r, await readRegionPin(o.repo, r)]));
      process.stdout.write(`${JSON.stringify(Object.fromEntries(pins), null, 2)}\n`);
    },
  );
}

const env = readEnv();
program(env)
  .parseAsync([...env.argv])
  .catch((error: unknown) => {
    if (error instanceof ReleaseError) {
      process.stderr.write(`release: ${error.message}\n`);
      process.exit(error.code);
    }
    throw error;
  });
