/**
 * The one place the controller is wired to its real adapters: the CLI (`run`, from the
 * environment) and the local two-region setup (local/local-replica.ts) both call `buildController`.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import { Controller } from './controller.js';
import type { ControllerDeps } from './controller-deps.js';
import { LeaderElector } from './elector.js';
import type { Env } from './env.js';
import { GaAdapter, gaClient } from './ga.js';
import { KubeAdapter } from './kube.js';
import { KubeLease } from './kube-lease.js';
import type { Policy } from './policy.js';
import { probe, probeRound } from './prober.js';
import { Route53Adapter, route53Client } from './route53.js';
import { type Replica, startReplica } from './runner.js';

/** Lease timings (client-go's defaults 15 s / 10 s / 2 s; the drill shortens them). */
export interface LeaseTimings {
  durationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface ControllerOptions {
  identity: string;
  kube: { server: string; tokenFile: string; caFile: string; timeoutMs: number };
  ga: {
    region: string;
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    groups: { primary: string; standby: string };
    baseDelayMs: number;
    callTimeoutMs: number;
  };
  route53: ControllerDeps['route53'];
  probes: { targets: string[]; reference: string; capacityUrl?: string; timeoutMs: number };
  lease: LeaseTimings;
  policy: Policy;
  roundTimeoutMs: number;
  advisoryTimeoutMs: number;
  dryRun: boolean;
  log: ControllerDeps['log'];
  metrics: ControllerDeps['metrics'];
  /** Wraps each adapter before use (the local setup: a kill switch and a split-brain count). */
  wrap?: <T extends object>(adapter: T) => T;
}

export interface BuiltController {
  controller: Controller;
  elector: LeaderElector;
  replica: Replica;
}

export function policyFrom(env: Env): Policy {
  return {
    intervalMs: env.PROBE_INTERVAL_MS,
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

/** The failback pre-check (the leader's, and the CLI's --dry-run): the capacity URL answers 200. */
export function capacityReady(url: string | undefined, timeoutMs: number): Promise<boolean> {
  return url ? probe(url, timeoutMs) : Promise.resolve(false);
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

export function kubeFrom(env: Env): KubeAdapter {
  return new KubeAdapter(
    kubeConfigFor(env.KUBE_API_SERVER, env.KUBE_TOKEN_FILE, env.KUBE_CA_FILE),
    env.KUBE_TIMEOUT_MS,
  );
}

/** The controller's options from the environment (the `run` command). */
export function optionsFromEnv(
  env: Env,
  dryRun: boolean,
  log: ControllerOptions['log'],
  metrics: ControllerOptions['metrics'],
): ControllerOptions {
  const ids = env.ROUTE53_HEALTH_CHECK_IDS;
  return {
    identity: env.POD_NAME,
    kube: {
      server: env.KUBE_API_SERVER,
      tokenFile: env.KUBE_TOKEN_FILE,
      caFile: env.KUBE_CA_FILE,
      timeoutMs: env.KUBE_TIMEOUT_MS,
    },
    ga: {
      region: env.GA_API_REGION,
      ...(env.GA_ENDPOINT ? { endpoint: env.GA_ENDPOINT } : {}),
      groups: {
        primary: env.GA_PRIMARY_ENDPOINT_GROUP_ARN,
        standby: env.GA_STANDBY_ENDPOINT_GROUP_ARN,
      },
      baseDelayMs: 200,
      callTimeoutMs: env.AWS_TIMEOUT_MS,
    },
    route53:
      ids && ids.length > 0
        ? new Route53Adapter(route53Client(env.ROUTE53_ENDPOINT), ids, env.AWS_TIMEOUT_MS)
        : null,
    probes: {
      targets: env.PRIMARY_PROBE_URLS,
      reference: env.REFERENCE_URL,
      ...(env.PRIMARY_CAPACITY_URL ? { capacityUrl: env.PRIMARY_CAPACITY_URL } : {}),
      timeoutMs: env.PROBE_TIMEOUT_MS,
    },
    lease: {
      durationMs: env.LEASE_SECONDS * 1000,
      renewDeadlineMs: env.RENEW_DEADLINE_SECONDS * 1000,
      retryPeriodMs: env.RETRY_PERIOD_MS,
    },
    policy: policyFrom(env),
    roundTimeoutMs: env.ROUND_TIMEOUT_MS,
    advisoryTimeoutMs: env.ADVISORY_TIMEOUT_MS,
    dryRun,
    log,
    metrics,
  };
}

/** Wires one replica (adapters, Lease elector, controller) and starts its loops. */
export function buildController(o: ControllerOptions): BuiltController {
  const wrap = o.wrap ?? (<T extends object>(adapter: T) => adapter);
  const kubeConfig = () => kubeConfigFor(o.kube.server, o.kube.tokenFile, o.kube.caFile);
  const elector = new LeaderElector({
    lease: wrap(new KubeLease(kubeConfig(), o.kube.timeoutMs)),
    identity: o.identity,
    leaseDurationMs: o.lease.durationMs,
    renewDeadlineMs: o.lease.renewDeadlineMs,
    monotonic: () => performance.now(),
    wall: () => new Date(),
  });
  const { capacityUrl, timeoutMs } = o.probes;
  const controller = new Controller({
    kube: wrap(new KubeAdapter(kubeConfig(), o.kube.timeoutMs)),
    ga: wrap(
      new GaAdapter({
        client: gaClient(o.ga.region, o.ga.endpoint, o.ga.credentials),
        groups: o.ga.groups,
        maxAttempts: 4,
        baseDelayMs: o.ga.baseDelayMs,
        callTimeoutMs: o.ga.callTimeoutMs,
        random: Math.random,
      }),
    ),
    route53: o.route53,
    leadership: elector,
    probeRound: () => probeRound(o.probes),
    primaryCapacityReady: () => capacityReady(capacityUrl, timeoutMs),
    log: o.log,
    metrics: o.metrics,
    now: Date.now,
    policy: o.policy,
    roundTimeoutMs: o.roundTimeoutMs,
    advisoryTimeoutMs: o.advisoryTimeoutMs,
    dryRun: o.dryRun,
  });
  const replica = startReplica({
    controller,
    elector,
    intervalMs: o.policy.intervalMs,
    retryPeriodMs: o.lease.retryPeriodMs,
    log: o.log,
  });
  return { controller, elector, replica };
}
