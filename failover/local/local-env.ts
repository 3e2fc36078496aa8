/**
 * Local two-region environment: the app as eu-central-1 (primary) and eu-west-2 (standby), the
 * Global Accelerator stand-in in front, and two controller replicas wired in-process with their
 * real adapters (local-replica.ts): GA adapter → the stand-in's API port; Kubernetes adapter → the
 * local cluster (local-cluster.ts). The controller probes the primary through a flaky proxy (a test
 * device, transparent unless the drill turns flapping on). `cli()` runs the real CLI against it.
 */
import { type AppProcess, startAppProcess } from '@demo-app/app/testing';
import type { LeaseTimings } from '../src/build-controller.js';
import { buildCli } from '../src/cli.js';
import type { Controller } from '../src/controller.js';
import { noMetrics } from '../src/controller-deps.js';
import { readEnv } from '../src/env.js';
import { isCode } from '../src/errors.js';
import { defaultPolicy, type Policy } from '../src/policy.js';
import { type FlakyProxy, startFlakyProxy } from './flaky-proxy.js';
import { type StandIn, startGaStandIn } from './ga-standin.js';
import { type CapacityChange, type LocalCluster, startLocalCluster } from './local-cluster.js';
import type { Level } from './local-log.js';
import { type LocalReplica, type ReplicaSetup, startReplicaPair } from './local-replica.js';
import { advisoryTimeoutOf, cliEnvOf, probeTimeoutOf } from './local-settings.js';

export { STATE } from './local-cluster.js';
export { demoPolicy } from './local-settings.js';
export type { CapacityChange, LeaseTimings, LocalReplica };

/** Lease timings: client-go's defaults (the drill test shortens them). */
export const defaultLease: LeaseTimings = {
  durationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2000,
};

export interface Transition {
  at: number;
  from: string;
  to: string;
}

export interface LocalEnv {
  /** The current primary process (replaced by `restartPrimary`). */
  primary: AppProcess;
  standby: AppProcess;
  ga: StandIn;
  /** Between the controller's prober and the primary (test device). */
  flaky: FlakyProxy;
  /** The local Kubernetes API stand-in's URL. */
  kubeUrl: string;
  /** The leading live replica's controller (the first live one when none leads). */
  readonly controller: Controller;
  /** The leading live replica, if any. */
  leader(): LocalReplica | null;
  /** Writes to AWS or Kubernetes by a replica that was not the Lease holder at that moment. */
  splitBrainWrites(): number;
  /** Kubernetes Events the replicas created (reason list, in order). */
  events(): string[];
  /** The local Kubernetes API stand-in's objects (test device: the drill corrupts the state). */
  objects: Map<string, Record<string, unknown>>;
  transitions: Transition[];
  capacity: CapacityChange[];
  /** DR_MODE in the Flux overrides ConfigMap. */
  drMode(): string | undefined;
  /** Environment for the real CLI (`node dist/main.js status|failover|failback`) against this setup. */
  cliEnv: Record<string, string>;
  /** How many probes one round sends to the primary. */
  probesPerRound: number;
  /**
   * Runs the controller's CLI in-process against this environment; returns what it printed (also
   * when the request was refused: the JSON says so).
   */
  cli(args: readonly string[]): Promise<string>;
  /** SIGKILLs the primary app process. */
  killPrimary(): Promise<void>;
  /** Starts the primary again on the same port (so the stand-in and the prober find it). */
  restartPrimary(): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const primaryEnv = { AWS_REGION: 'eu-central-1', ACCESS_LOG_LEVEL: 'silent' };

interface Parts {
  primary: AppProcess;
  standby: AppProcess;
  ga: StandIn;
  flaky: FlakyProxy;
  cluster: LocalCluster;
}

/** Starts the processes and stand-ins; whatever started is stopped again if a later part fails. */
async function startParts(policy: Policy): Promise<Parts> {
  const started: (() => Promise<unknown>)[] = [];
  const track = <T extends { stop?: () => Promise<unknown>; close?: () => Promise<unknown> }>(
    part: T,
  ): T => {
    const end = part.stop ?? part.close;
    if (end) started.push(() => end.call(part));
    return part;
  };
  try {
    const apps = await Promise.allSettled([
      startAppProcess({ env: primaryEnv }).then(track),
      startAppProcess({
        env: { AWS_REGION: 'eu-west-2', DR_ROLE: 'standby', ACCESS_LOG_LEVEL: 'silent' },
      }).then(track),
    ]);
    for (const a of apps) if (a.status === 'rejected') throw a.reason;
    const [primary, standby] = apps.map((a) => (a as PromiseFulfilledResult<AppProcess>).value) as [
      AppProcess,
      AppProcess,
    ];
    // GA's health checks stay faster than the controller's detection, as in the drill's defaults.
    const ga = track(
      await startGaStandIn(primary.url, standby.url, Math.min(1000, policy.intervalMs / 2)),
    );
    const flaky = track(await startFlakyProxy(primary.url));
    const cluster = track(await startLocalCluster(policy.standbyMinReplicas));
    return { primary, standby, ga, flaky, cluster };
  } catch (error) {
    await Promise.allSettled(started.map((end) => end()));
    throw error;
  }
}

/** What the controller probes: the primary (through the flaky proxy), the reference, capacity. */
const targetsOf = (p: Parts, primaryUrls: string[]) => ({
  primaryUrls,
  referenceUrl: `${p.standby.url}/readyz`,
  capacityUrl: `${p.primary.url}/readyz`,
});

/** What every local replica shares: the stand-ins' addresses and timeouts scaled to the policy. */
function replicaOptions(
  p: Parts,
  primaryUrls: string[],
  policy: Policy,
  lease: LeaseTimings,
  transitions: Transition[],
): ReplicaSetup['options'] {
  const targets = targetsOf(p, primaryUrls);
  return {
    kube: {
      server: p.cluster.url,
      tokenFile: '/nonexistent',
      caFile: '/nonexistent',
      timeoutMs: 2000,
    },
    ga: {
      region: 'us-west-2',
      endpoint: p.ga.apiUrl,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      groups: { primary: p.ga.groups.primary.arn, standby: p.ga.groups.standby.arn },
      baseDelayMs: 100,
      callTimeoutMs: 2000,
    },
    route53: null,
    probes: {
      targets: primaryUrls,
      reference: targets.referenceUrl,
      capacityUrl: targets.capacityUrl,
      timeoutMs: probeTimeoutOf(policy),
    },
    lease,
    policy,
    roundTimeoutMs: Math.max(4 * policy.intervalMs, 5000),
    advisoryTimeoutMs: advisoryTimeoutOf(policy),
    dryRun: false,
    metrics: {
      ...noMetrics,
      transition: (from, to) => transitions.push({ at: Date.now(), from, to }),
    },
  };
}

/** Starts the primary on `port`, just freed: another process may grab it in between, so retry. */
async function startOnPort(port: number): Promise<AppProcess> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startAppProcess({ port, env: primaryEnv });
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(500);
    }
  }
}

/** Runs the controller's CLI in-process with `cliEnv`; returns what it printed. */
async function runCli(cliEnv: Record<string, string>, args: readonly string[]): Promise<string> {
  const out: string[] = [];
  const program = buildCli(
    () => readEnv(cliEnv),
    (line) => out.push(line),
  );
  try {
    await program.parseAsync(['node', 'failover', ...args]);
  } catch (error) {
    // a refusal is an answer (its JSON is printed, the real CLI exits 3): return it
    if (!isCode(error, 'REFUSED')) throw error;
  }
  return out.join('\n');
}

/**
 * Starts the environment; `log` gets one readable line per controller log entry at `logLevel` or
 * above (local-log.ts). The policy defaults to the production one; `npm run local` passes
 * `demoPolicy` (local-settings.ts).
 */
export async function startLocalEnv(
  log: (line: string) => void,
  policy: Policy = defaultPolicy,
  lease: LeaseTimings = defaultLease,
  logLevel: Level = 'info',
): Promise<LocalEnv> {
  const parts = await startParts(policy);
  const { standby, ga, flaky, cluster } = parts;
  const primaryUrls = [`${flaky.url}/readyz`, `${flaky.url}/readyz`, `${flaky.url}/healthz`];
  const cliEnv = cliEnvOf(
    {
      ...targetsOf(parts, primaryUrls),
      gaApiUrl: ga.apiUrl,
      groups: { primary: ga.groups.primary.arn, standby: ga.groups.standby.arn },
      kubeUrl: cluster.url,
    },
    policy,
  );
  const transitions: Transition[] = [];
  let splitBrain = 0;
  const setup: ReplicaSetup = {
    options: replicaOptions(parts, primaryUrls, policy, lease, transitions),
    log,
    logLevel,
    holder: cluster.holder,
    onSplitBrainWrite: () => {
      splitBrain += 1;
    },
  };
  let closed = false;
  const replicas = await startReplicaPair(setup);
  const leader = () => replicas.find((r) => !r.killed && r.elector.leading()) ?? null;

  const env: LocalEnv = {
    primary: parts.primary,
    standby,
    ga,
    flaky,
    kubeUrl: cluster.url,
    get controller() {
      return (leader() ?? replicas.find((r) => !r.killed) ?? (replicas[0] as LocalReplica))
        .controller;
    },
    leader,
    splitBrainWrites: () => splitBrain,
    events: cluster.events,
    objects: cluster.objects,
    transitions,
    capacity: cluster.capacity,
    drMode: cluster.drMode,
    cliEnv,
    probesPerRound: primaryUrls.length,
    cli: (args) => runCli(cliEnv, args),
    killPrimary: async () => {
      await env.primary.stop('SIGKILL');
    },
    restartPrimary: async () => {
      const started = await startOnPort(parts.primary.port);
      if (closed)
        await started.stop(); // stop() ran meanwhile: leave nothing behind
      else env.primary = started;
    },
    stop: async () => {
      closed = true;
      await Promise.all(
        replicas.filter((r) => !r.killed).map((r) => r.runner.stop({ release: true })),
      );
      await Promise.all([ga.close(), flaky.close(), cluster.close()]);
      await Promise.all([env.primary.stop(), standby.stop()]);
    },
  };
  return env;
}
