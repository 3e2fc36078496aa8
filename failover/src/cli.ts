import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { Command } from 'commander';
import { pino } from 'pino';
import { Controller } from './controller.js';
import type { Env } from './env.js';
import { describeError, FailoverError } from './errors.js';
import { GaAdapter } from './ga.js';
import { type ControlRequest, KubeAdapter } from './kube.js';
import { httpTransport } from './kube-http.js';
import { initialState, step } from './machine.js';
import { createMetrics, startHttp } from './metrics.js';
import type { Policy } from './policy.js';
import { probe, probeRound } from './prober.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function policyFrom(env: Env): Policy {
  return {
    intervalMs: env.PROBE_INTERVAL_MS,
    probesPerRound: env.PRIMARY_PROBE_URLS.length,
    probeQuorum: env.PROBE_QUORUM,
    failedRounds: env.FAILED_ROUNDS,
    windowMs: env.FAILURE_WINDOW_MS,
    failedOverMinReplicas: env.FAILED_OVER_MIN_REPLICAS,
    standbyMinReplicas: env.STANDBY_MIN_REPLICAS,
    waitReadyTimeoutMs: env.WAIT_READY_TIMEOUT_MS,
    failbackHealthyMs: env.FAILBACK_HEALTHY_MS,
    failbackCooldownMs: env.FAILBACK_COOLDOWN_MS,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
  };
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function kubeFrom(env: Env): KubeAdapter {
  return new KubeAdapter(
    httpTransport({
      server: env.KUBE_API_SERVER,
      token: readOptional(env.KUBE_TOKEN_FILE),
      ca: readOptional(env.KUBE_CA_FILE),
      timeoutMs: 5000,
    }),
  );
}

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
  const kube = kubeFrom(env);
  const ga = new GaAdapter({
    client: new GlobalAcceleratorClient({
      region: env.GA_API_REGION,
      ...(env.GA_ENDPOINT ? { endpoint: env.GA_ENDPOINT } : {}),
    }),
    groups: {
      primary: env.GA_PRIMARY_ENDPOINT_GROUP_ARN,
      standby: env.GA_STANDBY_ENDPOINT_GROUP_ARN,
    },
    maxAttempts: 4,
    baseDelayMs: 200,
    sleep,
    random: Math.random,
  });
  const { metrics, exporter } = createMetrics();
  let lastCycle = Date.now();
  const http = await startHttp(
    exporter,
    env.METRICS_PORT,
    () => Date.now() - lastCycle < 10 * env.PROBE_INTERVAL_MS,
  );
  const capacityUrl = env.PRIMARY_CAPACITY_URL;
  const controller = new Controller({
    kube,
    ga,
    probeRound: () =>
      probeRound({
        targets: env.PRIMARY_PROBE_URLS,
        reference: env.REFERENCE_URL,
        timeoutMs: env.PROBE_TIMEOUT_MS,
      }),
    primaryCapacityReady: () =>
      capacityUrl ? probe(capacityUrl, env.PROBE_TIMEOUT_MS) : Promise.resolve(false),
    log,
    metrics,
    now: Date.now,
    policy: policyFrom(env),
    identity: env.POD_NAME,
    leaseSeconds: env.LEASE_SECONDS,
    dryRun,
  });
  log.info({ dryRun, metricsPort: http.port, policy: policyFrom(env) }, 'controller started');
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  while (!stopping) {
    const started = Date.now();
    try {
      await controller.cycle();
    } catch (error) {
      log.warn({ err: describeError(error) }, 'cycle failed; retrying next interval');
    } finally {
      // liveness = the loop turns; an unreachable API server is logged, not a reason to restart
      lastCycle = Date.now();
    }
    await sleep(Math.max(0, env.PROBE_INTERVAL_MS - (Date.now() - started)));
  }
  await http.close();
  log.info({}, 'controller stopped');
}

/** Builds the CLI; `loadEnv` is called lazily so `--help` works without configuration. */
export function buildCli(loadEnv: () => Env, print: (line: string) => void): Command {
  const program = new Command('failover')
    .description('Warm-standby failover controller for demo-app (eu-west-2 standby)')
    .option('--dry-run', 'decide and log, but perform no action', false);
  const dryRun = () => Boolean(program.opts<{ dryRun: boolean }>().dryRun);

  program
    .command('status')
    .description('print the persisted mode, step and the last manual request outcome')
    .action(async () => {
      const kube = kubeFrom(loadEnv());
      const [state, control] = await Promise.all([kube.loadState(), kube.readControl()]);
      print(JSON.stringify({ state: state ?? initialState, ...control }, null, 2));
    });
  program
    .command('failover')
    .description('ask the leader to fail over to this region now (skips detection)')
    .requiredOption('--reason <text>', 'why (recorded in the state, logs and Events)')
    .action(async (opts: { reason: string }) => {
      const env = loadEnv();
      const kube = kubeFrom(env);
      if (dryRun()) {
        const state = (await kube.loadState()) ?? initialState;
        const r = step(
          state,
          { type: 'manual-failover', reason: opts.reason },
          Date.now(),
          policyFrom(env),
        );
        print(JSON.stringify({ dryRun: true, reasons: r.reasons, actions: r.actions }, null, 2));
        return;
      }
      print(JSON.stringify(await request(kube, 'failover', opts.reason), null, 2));
    });
  program
    .command('failback')
    .description('ask the leader to fail back (refused unless the primary is healthy and ready)')
    .action(async () => {
      const env = loadEnv();
      const kube = kubeFrom(env);
      if (dryRun()) {
        const state = (await kube.loadState()) ?? initialState;
        const r = step(
          state,
          { type: 'manual-failback', primaryCapacityReady: true },
          Date.now(),
          policyFrom(env),
        );
        print(JSON.stringify({ dryRun: true, reasons: r.reasons, actions: r.actions }, null, 2));
        return;
      }
      print(JSON.stringify(await request(kube, 'failback', 'manual failback'), null, 2));
    });
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
    const code = (error as { code?: unknown }).code;
    return code === 'CONFIG' ? 2 : 1;
  }
}
