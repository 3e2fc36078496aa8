import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { pino } from 'pino';
import { buildController, kubeFrom, optionsFromEnv, policyFrom } from './build-controller.js';
import type { Env } from './env.js';
import { FailoverError, isCode, sleep } from './errors.js';
import type { ControlRequest, KubeAdapter } from './kube.js';
import { step } from './machine.js';
import { createMetrics, healthOf, startHttp } from './metrics.js';
import { type Event, initialState } from './state.js';

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

/** Builds the CLI; `loadEnv` is called lazily so `--help` works without configuration. */
export function buildCli(loadEnv: () => Env, print: (line: string) => void): Command {
  const program = new Command('failover')
    .version(packageVersion())
    .description('Warm-standby failover controller for demo-app (eu-west-2 standby)')
    .option('--dry-run', 'decide and log, but perform no action', false);
  const dryRun = () => Boolean(program.opts<{ dryRun: boolean }>().dryRun);

  program
    .command('status')
    .description('print the persisted mode, step and the last manual request outcome')
    .action(async () => {
      const kube = kubeFrom(loadEnv());
      const [loaded, control] = await Promise.all([kube.loadState(), kube.readControl()]);
      print(
        JSON.stringify(
          {
            state: loaded.state ?? initialState,
            ...(loaded.invalid ? { invalidState: loaded.invalid } : {}),
            request: control.request?.ok ? control.request.request : (control.request ?? null),
            result: control.result,
          },
          null,
          2,
        ),
      );
    });
  /** A manual request: with --dry-run, what the leader would decide now; else ask the leader. */
  const manual = async (event: Event, type: ControlRequest['type'], reason: string) => {
    const env = loadEnv();
    const kube = kubeFrom(env);
    if (!dryRun()) {
      print(JSON.stringify(await request(kube, type, reason), null, 2));
      return;
    }
    const state = (await kube.loadState()).state ?? initialState;
    const r = step(state, event, Date.now(), policyFrom(env));
    print(JSON.stringify({ dryRun: true, reasons: r.reasons, actions: r.actions }, null, 2));
  };
  program
    .command('failover')
    .description('ask the leader to fail over to this region now (skips detection)')
    .requiredOption('--reason <text>', 'why (recorded in the state, logs and Events)')
    .action(async (opts: { reason: string }) =>
      manual({ type: 'manual-failover', reason: opts.reason }, 'failover', opts.reason),
    );
  program
    .command('failback')
    .description('ask the leader to fail back (refused unless the primary is healthy and ready)')
    .action(async () =>
      manual(
        { type: 'manual-failback', primaryCapacityReady: true },
        'failback',
        'manual failback',
      ),
    );
  program
    .command('run')
    .description('run the controller loop (probe, decide, act; only the Lease holder acts)')
    .action(async () => run(loadEnv(), dryRun()));
  return program;
}

/** The edge: runs the CLI and maps errors to exit codes (2 = configuration, 1 = anything else). */
export async function main(argv: string[], loadEnv: () => Env): Promise<number> {
  try {
    await buildCli(loadEnv, (line) => process.stdout.write(`${line}\n`)).parseAsync(argv);
    return 0;
  } catch (error) {
    process.stderr.write(`failover: ${error instanceof Error ? error.message : String(error)}\n`);
    return isCode(error, 'CONFIG') ? 2 : 1;
  }
}
