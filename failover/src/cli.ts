import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { pino } from 'pino';
import {
  buildController,
  capacityReady,
  kubeFrom,
  optionsFromEnv,
  policyFrom,
} from './build-controller.js';
import type { Env } from './env.js';
import { FailoverError, isCode, sleep } from './errors.js';
import type { ControlRequest, KubeAdapter } from './kube.js';
import { step } from './machine.js';
import { createMetrics, healthOf, startHttp } from './metrics.js';
import { type Outcome, requestOutcome, statusLine } from './outcome.js';
import type { Policy } from './policy.js';
import { recoverState } from './schema.js';
import { type Action, type Event, initialState, type State } from './state.js';

/** Writes a manual request for the leader and waits (bounded) for its outcome. */
async function request(kube: KubeAdapter, type: ControlRequest['type'], reason: string) {
  const req: ControlRequest = { id: randomUUID(), type, reason, at: new Date().toISOString() };
  await kube.putRequest(req);
  for (let i = 0; i < 30; i += 1) {
    const { result } = await kube.readControl();
    if (result?.id === req.id) return result;
    await sleep(1000);
  }
  throw new FailoverError('KUBE', `no leader picked up request ${req.id} within 30 s`);
}

/** The persisted state as the leader would continue from it (an invalid one recovered likewise). */
async function currentState(kube: KubeAdapter): Promise<{ state: State; invalid: string | null }> {
  const loaded = await kube.loadState();
  if (loaded.invalid === null) return { state: loaded.state ?? initialState, invalid: null };
  const recorded = await kube.recordedMode().catch(() => null);
  return { state: recoverState(recorded, loaded.invalid), invalid: loaded.invalid };
}

/** Says what became of a request; a refusal (or no outcome at all) is an error for the edge. */
function tell(
  type: ControlRequest['type'],
  outcome: Outcome | undefined,
  mode: string,
  reasons: readonly string[],
  note: (line: string) => void,
  actions?: readonly Action[],
): void {
  const dry = actions !== undefined;
  if (outcome === undefined) {
    throw new FailoverError(
      'STATE',
      `the leader answered without saying whether it acted (a controller older than this CLI?); mode is ${mode}, see \`status\``,
    );
  }
  if (outcome === 'refused') {
    const why = reasons.map((r) => r.replace(/^(failback refused|manual failover ignored): /, ''));
    throw new FailoverError(
      'REFUSED',
      `${type} refused${dry ? ' (dry run)' : ''}: ${why.join('; ')}`,
    );
  }
  if (outcome === 'already') note(`nothing to do: already ${mode}`);
  else if (dry) {
    const list = actions.map((a) => a.type).join(', ');
    note(
      `dry run: would ${type === 'failback' ? 'fail back' : 'fail over'} (${list}); nothing was changed`,
    );
  } else note(`${type} accepted: now ${mode}`);
}

async function run(env: Env, dryRun: boolean): Promise<void> {
  const log = pino({ level: env.LOG_LEVEL, base: { service: 'failover-controller' } });
  const { metrics, exporter } = createMetrics();
  const options = optionsFromEnv(env, dryRun, log, metrics);
  const { replica } = buildController(options);
  const http = await startHttp(exporter, env.METRICS_PORT, () =>
    healthOf(replica.health(), Date.now(), 10 * env.PROBE_INTERVAL_MS + env.ROUND_TIMEOUT_MS, 5),
  );
  log.info(
    {
      dryRun,
      metricsPort: http.port,
      policy: options.policy,
      route53: env.ROUTE53_HEALTH_CHECK_IDS ?? [],
    },
    'controller started',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  // SIGTERM: stop acting, then give the Lease up so the other replica takes over at once.
  await replica.stop({ release: true });
  await http.close();
  log.info({}, 'controller stopped, Lease released');
}

/** The `version` of failover/package.json, for `--version`. */
function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version ?? '0.0.0');
}

/** Where the CLI writes: `print` gets the JSON (stdout), `note` one human line (stderr). */
interface Out {
  print: (line: string) => void;
  note: (line: string) => void;
}

/** `status`: the persisted mode, step and the last manual request outcome. */
async function status(kube: KubeAdapter, { print, note }: Out): Promise<void> {
  const [loaded, control] = await Promise.all([kube.loadState(), kube.readControl()]);
  const printed = {
    state: loaded.state ?? initialState,
    ...(loaded.invalid ? { invalidState: loaded.invalid } : {}),
    request: control.request?.ok ? control.request.request : (control.request ?? null),
    result: control.result,
  };
  print(JSON.stringify(printed, null, 2));
  if (loaded.invalid) note(`persisted state invalid: ${loaded.invalid}`);
  note(statusLine(loaded.state ?? initialState, control.result, Date.now()));
}

/** Pure: what the leader would decide on `event` now, as the dry run prints it. */
function dryRunAnswer(
  type: ControlRequest['type'],
  current: { state: State; invalid: string | null },
  event: Event,
  now: number,
  policy: Policy,
) {
  const { state, invalid } = current;
  const r = step(state, event, now, policy);
  const outcome = requestOutcome(type, state.mode, r.state.mode);
  const printed = {
    dryRun: true,
    mode: state.mode,
    outcome,
    reasons: r.reasons,
    actions: r.actions,
  };
  return { r, outcome, printed: invalid ? { ...printed, invalidState: invalid } : printed };
}

/** A manual request: with `dryRun`, what the leader would decide now (same pre-checks). */
async function manual(
  env: Env,
  dryRun: boolean,
  event: Event,
  type: ControlRequest['type'],
  reason: string,
  { print, note }: Out,
): Promise<void> {
  const kube = kubeFrom(env);
  if (!dryRun) {
    const result = await request(kube, type, reason);
    print(JSON.stringify(result, null, 2));
    tell(type, result.outcome, result.mode, result.reasons, note);
    return;
  }
  const current = await currentState(kube);
  const checked: Event =
    event.type === 'manual-failback'
      ? {
          ...event,
          primaryCapacityReady: await capacityReady(env.PRIMARY_CAPACITY_URL, env.PROBE_TIMEOUT_MS),
        }
      : event;
  const { r, outcome, printed } = dryRunAnswer(type, current, checked, Date.now(), policyFrom(env));
  print(JSON.stringify(printed, null, 2));
  tell(type, outcome, current.state.mode, r.reasons, note, r.actions);
}

/**
 * Builds the CLI; `loadEnv` is called lazily so `--help` works without configuration, with
 * `local` true for `--local` (the environment `npm run local` runs). `print` gets the JSON
 * (stdout), `note` one human line about what happened (stderr).
 */
export function buildCli(
  loadEnv: (local: boolean) => Env,
  print: (line: string) => void,
  note: (line: string) => void = () => {},
): Command {
  const program = new Command('failover')
    .version(packageVersion())
    .description('Warm-standby failover controller for demo-app (eu-west-2 standby)')
    .option('--dry-run', 'run the pre-checks and say what would be done; change nothing', false)
    .option(
      '--local',
      'talk to the local two-region environment `npm run local` runs (not the process environment)',
      false,
    );
  const opts = () => program.opts<{ dryRun: boolean; local: boolean }>();
  const env = () => loadEnv(Boolean(opts().local));
  const out: Out = { print, note };
  const ask = (event: Event, type: ControlRequest['type'], reason: string) =>
    manual(env(), Boolean(opts().dryRun), event, type, reason, out);

  program
    .command('status')
    .description('print the persisted mode, step and the last manual request outcome')
    .action(async () => status(kubeFrom(env()), out));
  program
    .command('failover')
    .description('ask the leader to fail over to this region now (skips detection)')
    .requiredOption('--reason <text>', 'why (recorded in the state, logs and Events)')
    .action(async (opts: { reason: string }) =>
      ask({ type: 'manual-failover', reason: opts.reason }, 'failover', opts.reason),
    );
  program
    .command('failback')
    .description('ask the leader to fail back (refused unless the primary is healthy and ready)')
    .action(async () =>
      // the leader checks the primary's capacity itself; the dry run probes it the same way
      ask({ type: 'manual-failback', primaryCapacityReady: false }, 'failback', 'manual failback'),
    );
  program
    .command('run')
    .description('run the controller loop (probe, decide, act; only the Lease holder acts)')
    .action(async () => run(env(), Boolean(opts().dryRun)));
  return program;
}

/**
 * The edge: runs the CLI and maps errors to exit codes: 2 = configuration, 3 = the request was
 * refused (or would be, in a dry run), 1 = anything else.
 */
export async function main(argv: string[], loadEnv: (local: boolean) => Env): Promise<number> {
  const note = (line: string) => process.stderr.write(`failover: ${line}\n`);
  try {
    await buildCli(loadEnv, (line) => process.stdout.write(`${line}\n`), note).parseAsync(argv);
    return 0;
  } catch (error) {
    note(error instanceof Error ? error.message : String(error));
    if (isCode(error, 'CONFIG')) return 2;
    return isCode(error, 'REFUSED') ? 3 : 1;
  }
}
