import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { Command } from 'commander';
import { pino } from 'pino';
import { Controller } from './controller.js';
import { LeaderElector } from './elector.js';
import type { Env } from './env.js';
import { FailoverError, sleep } from './errors.js';
import { GaAdapter, gaClient } from './ga.js';
import { type ControlRequest, KubeAdapter } from './kube.js';
import { KubeLease } from './kube-lease.js';
import { initialState, step } from './machine.js';
import { createMetrics, healthOf, startHttp } from './metrics.js';
import type { Policy } from './policy.js';
import { probe, probeRound } from './prober.js';
import { Route53Adapter, route53Client } from './route53.js';
import { startReplica } from './runner.js';

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

/**
 * A KubeConfig for one API server: the in-cluster ServiceAccount token (re-read from its file as
 * kubelet rotates it, client-node's tokenFile auth provider) and CA when those files exist.
 */
export function kubeConfigFor(server: string, tokenFile: string, caFile: string): KubeConfig {
  const kc = new KubeConfig();
  const hasToken = existsSync(tokenFile);
  kc.loadFromOptions({
    clusters: [
      {
        name: 'cluster',
        server,
        ...(existsSync(caFile) ? { caFile } : {}),
        // client-node refuses plain http unless this is set; it only applies to http:// servers
        // (the local stand-ins): an https server is always verified.
        skipTLSVerify: server.startsWith('http:'),
      },
    ],
    users: [
      hasToken
        ? { name: 'sa', authProvider: { name: 'tokenFile', config: { tokenFile } } }
        : { name: 'sa' },
    ],
    contexts: [{ name: 'ctx', cluster: 'cluster', user: 'sa' }],
    currentContext: 'ctx',
  });
  return kc;
}

function kubeFrom(env: Env): KubeAdapter {
  return new KubeAdapter(
    kubeConfigFor(env.KUBE_API_SERVER, env.KUBE_TOKEN_FILE, env.KUBE_CA_FILE),
    env.KUBE_TIMEOUT_MS,
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
    client: gaClient(env.GA_API_REGION, env.GA_ENDPOINT),
    groups: {
      primary: env.GA_PRIMARY_ENDPOINT_GROUP_ARN,
      standby: env.GA_STANDBY_ENDPOINT_GROUP_ARN,
    },
    maxAttempts: 4,
    baseDelayMs: 200,
    callTimeoutMs: env.AWS_TIMEOUT_MS,
    random: Math.random,
  });
  const ids = env.ROUTE53_HEALTH_CHECK_IDS;
  const route53 =
    ids && ids.length > 0
      ? new Route53Adapter(route53Client(env.ROUTE53_ENDPOINT), ids, env.AWS_TIMEOUT_MS)
      : null;
  const elector = new LeaderElector({
    lease: new KubeLease(
      kubeConfigFor(env.KUBE_API_SERVER, env.KUBE_TOKEN_FILE, env.KUBE_CA_FILE),
      env.KUBE_TIMEOUT_MS,
    ),
    identity: env.POD_NAME,
    leaseDurationMs: env.LEASE_SECONDS * 1000,
    renewDeadlineMs: env.RENEW_DEADLINE_SECONDS * 1000,
    monotonic: () => performance.now(),
    wall: () => new Date(),
  });
  const { metrics, exporter } = createMetrics();
  const policy = policyFrom(env);
  const capacityUrl = env.PRIMARY_CAPACITY_URL;
  const controller = new Controller({
    kube,
    ga,
    route53,
    leadership: elector,
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
    policy,
    roundTimeoutMs: env.ROUND_TIMEOUT_MS,
    advisoryTimeoutMs: env.ADVISORY_TIMEOUT_MS,
    dryRun,
  });
  const replica = startReplica({
    controller,
    elector,
    intervalMs: env.PROBE_INTERVAL_MS,
    retryPeriodMs: env.RETRY_PERIOD_MS,
    log,
  });
  const http = await startHttp(exporter, env.METRICS_PORT, () =>
    healthOf(replica.health(), Date.now(), 10 * env.PROBE_INTERVAL_MS + env.ROUND_TIMEOUT_MS, 5),
  );
  log.info({ dryRun, metricsPort: http.port, policy, route53: ids ?? [] }, 'controller started');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  // SIGTERM: stop acting, then give the Lease up so the other replica takes over at once.
  await replica.stop({ release: true });
  await http.close();
  log.info({}, 'controller stopped, Lease released');
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
  program
    .command('failover')
    .description('ask the leader to fail over to this region now (skips detection)')
    .requiredOption('--reason <text>', 'why (recorded in the state, logs and Events)')
    .action(async (opts: { reason: string }) => {
      const env = loadEnv();
      const kube = kubeFrom(env);
      if (dryRun()) {
        const state = (await kube.loadState()).state ?? initialState;
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
        const state = (await kube.loadState()).state ?? initialState;
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
