/**
 * Local two-region environment: the app as eu-central-1 (primary) and eu-west-2 (standby), the
 * Global Accelerator stand-in in front, and the controller wired in-process with its real adapters:
 * GA adapter → the stand-in's API port; Kubernetes adapter → a local API-server stand-in (the test
 * suite's fake) whose demo-app-primary Deployment gains or loses one ready replica per 500 ms
 * until it matches the HPA floor. The controller probes the primary through a flaky proxy (a test
 * device, transparent unless the drill turns flapping on). `cli()` runs the real CLI against it.
 */
import { type AppProcess, startAppProcess } from '@demo-app/app/testing';
import { buildController, type LeaseTimings } from '../src/build-controller.js';
import { buildCli } from '../src/cli.js';
import type { Controller } from '../src/controller.js';
import type { LeaderElector } from '../src/elector.js';
import { readEnv } from '../src/env.js';
import { defaultPolicy, type Policy } from '../src/policy.js';
import type { Replica } from '../src/runner.js';
import { startFakeKube } from './fake-kube.js';
import { type FlakyProxy, startFlakyProxy } from './flaky-proxy.js';
import { type StandIn, startGaStandIn } from './ga-standin.js';

const HPA = '/apis/autoscaling/v2/namespaces/demo-app/horizontalpodautoscalers/demo-app-primary';
const DEPLOYMENT = '/apis/apps/v1/namespaces/demo-app/deployments/demo-app-primary';
const OVERRIDES = '/api/v1/namespaces/flux-system/configmaps/demo-app-dr-overrides';
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/failover-system/leases/failover-controller';
export const STATE = '/api/v1/namespaces/failover-system/configmaps/failover-controller-state';

export type { LeaseTimings };
/** Lease timings: client-go's defaults (the drill test shortens them). */
export const defaultLease: LeaseTimings = {
  durationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2000,
};

/** One in-process controller replica; `kill()` is a SIGKILL: no more calls of any kind. */
export interface LocalReplica {
  identity: string;
  controller: Controller;
  elector: LeaderElector;
  killed: boolean;
  kill(): Promise<void>;
}

export interface Transition {
  at: number;
  from: string;
  to: string;
}

/** One change of the standby's HPA floor or ready replicas, as the local cluster saw it. */
export interface CapacityChange {
  at: number;
  floor: number;
  ready: number;
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
  replicas: LocalReplica[];
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
  /** Runs the controller's CLI in-process against this environment; returns what it printed. */
  cli(args: readonly string[]): Promise<string>;
  /** SIGKILLs the primary app process. */
  killPrimary(): Promise<void>;
  /** Starts the primary again on the same port (so the stand-in and the prober find it). */
  restartPrimary(): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const primaryEnv = { AWS_REGION: 'eu-central-1', ACCESS_LOG_LEVEL: 'silent' };

export async function startLocalEnv(
  log: (line: string) => void,
  policy: Policy = defaultPolicy,
  lease: LeaseTimings = defaultLease,
): Promise<LocalEnv> {
  // Whatever started is stopped again if a later part fails: no app process outlives a failed start.
  const started: (() => Promise<unknown>)[] = [];
  const track = <T extends { stop?: () => Promise<unknown>; close?: () => Promise<unknown> }>(
    part: T,
  ): T => {
    const end = part.stop ?? part.close;
    if (end) started.push(() => end.call(part));
    return part;
  };
  let primary: AppProcess;
  let standby: AppProcess;
  let ga: StandIn;
  let flaky: FlakyProxy;
  let kube: Awaited<ReturnType<typeof startFakeKube>>;
  const floor = policy.standbyMinReplicas;
  try {
    const apps = await Promise.allSettled([
      startAppProcess({ env: primaryEnv }).then(track),
      startAppProcess({ env: { AWS_REGION: 'eu-west-2', ACCESS_LOG_LEVEL: 'silent' } }).then(track),
    ]);
    for (const a of apps) if (a.status === 'rejected') throw a.reason;
    [primary, standby] = apps.map((a) => (a as PromiseFulfilledResult<AppProcess>).value) as [
      AppProcess,
      AppProcess,
    ];
    // GA's health checks stay faster than the controller's detection, as in the drill's defaults.
    ga = track(
      await startGaStandIn(primary.url, standby.url, Math.min(1000, policy.intervalMs / 2)),
    );
    flaky = track(await startFlakyProxy(primary.url));
    kube = track(
      await startFakeKube({
        [HPA]: { kind: 'HorizontalPodAutoscaler', metadata: {}, spec: { minReplicas: floor } },
        [DEPLOYMENT]: { kind: 'Deployment', metadata: {}, status: { readyReplicas: floor } },
        [OVERRIDES]: { kind: 'ConfigMap', metadata: {}, data: { DR_MODE: 'standby' } },
      }),
    );
  } catch (error) {
    await Promise.allSettled(started.map((end) => end()));
    throw error;
  }
  const capacity: CapacityChange[] = [{ at: Date.now(), floor, ready: floor }];
  // The cluster: ready replicas follow the HPA floor, one per 500 ms.
  const ramp = setInterval(() => {
    kube.requests.splice(0); // the recorder is for tests; keep a long `npm run local` small
    const hpa = kube.objects.get(HPA) as { spec?: { minReplicas?: number } } | undefined;
    const target = hpa?.spec?.minReplicas ?? floor;
    const last = capacity.at(-1) as CapacityChange;
    const ready = last.ready + Math.sign(target - last.ready);
    if (target === last.floor && ready === last.ready) return;
    capacity.push({ at: Date.now(), floor: target, ready });
    const deployment = kube.objects.get(DEPLOYMENT) ?? {};
    kube.objects.set(DEPLOYMENT, { ...deployment, status: { readyReplicas: ready } });
  }, 500);

  const primaryUrls = [`${flaky.url}/readyz`, `${flaky.url}/readyz`, `${flaky.url}/healthz`];
  const cliEnv: Record<string, string> = {
    PRIMARY_PROBE_URLS: primaryUrls.join(','),
    REFERENCE_URL: `${standby.url}/readyz`,
    PRIMARY_CAPACITY_URL: `${primary.url}/readyz`,
    GA_PRIMARY_ENDPOINT_GROUP_ARN: ga.groups.primary.arn,
    GA_STANDBY_ENDPOINT_GROUP_ARN: ga.groups.standby.arn,
    GA_ENDPOINT: ga.apiUrl,
    KUBE_API_SERVER: kube.url,
    KUBE_TOKEN_FILE: '/nonexistent',
    KUBE_CA_FILE: '/nonexistent',
    POD_NAME: 'local-cli',
  };
  const transitions: Transition[] = [];
  const probeTimeoutMs = Math.max(1000, Math.min(1500, policy.intervalMs * 0.75));
  let splitBrain = 0;
  const holder = () =>
    (kube.objects.get(LEASE) as { spec?: { holderIdentity?: string } } | undefined)?.spec
      ?.holderIdentity;
  const writes = new Set([
    'recordMode',
    'scale',
    'saveState',
    'completeRequest',
    'emitEvent',
    'setDials',
  ]);
  /** Wraps an adapter: refuses everything once killed; counts writes by a non-holder. */
  const guardCalls = <T extends object>(target: T, identity: string, dead: () => boolean): T =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (dead()) return Promise.reject(new Error(`${identity} was killed`));
          if (writes.has(String(key)) && holder() !== identity) splitBrain += 1;
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  const makeReplica = (identity: string): LocalReplica & { runner: Replica } => {
    let dead = false;
    const line = (level: string) => (obj: object, msg: string) =>
      log(JSON.stringify({ level, replica: identity, msg, ...obj }));
    const built = buildController({
      identity,
      kube: {
        server: kube.url,
        tokenFile: '/nonexistent',
        caFile: '/nonexistent',
        timeoutMs: 2000,
      },
      ga: {
        region: 'us-west-2',
        endpoint: ga.apiUrl,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        groups: { primary: ga.groups.primary.arn, standby: ga.groups.standby.arn },
        baseDelayMs: 100,
        callTimeoutMs: 2000,
      },
      route53: null,
      probes: {
        targets: primaryUrls,
        reference: cliEnv.REFERENCE_URL as string,
        capacityUrl: `${primary.url}/readyz`,
        timeoutMs: probeTimeoutMs,
      },
      lease,
      policy,
      roundTimeoutMs: Math.max(4 * policy.intervalMs, 5000),
      advisoryTimeoutMs: Math.max(300, Math.min(1500, policy.intervalMs * 0.75)),
      dryRun: false,
      log: { info: line('info'), warn: line('warn'), error: line('error') },
      metrics: {
        mode: () => {},
        probes: () => {},
        transition: (from, to) => transitions.push({ at: Date.now(), from, to }),
        stepDuration: () => {},
        alert: () => {},
      },
      wrap: (adapter) => guardCalls(adapter, identity, () => dead),
    });
    const replica = {
      identity,
      controller: built.controller,
      elector: built.elector,
      runner: built.replica,
      killed: false,
      kill: async () => {
        dead = true;
        replica.killed = true;
        await built.replica.stop({ release: false });
      },
    };
    return replica;
  };
  let closed = false;
  const replicas = [makeReplica('replica-a')];
  // b starts a moment later, so a leads first (the drill kills the leader, whichever it is)
  await sleep(Math.min(1000, lease.retryPeriodMs));
  replicas.push(makeReplica('replica-b'));
  const leader = () => replicas.find((r) => !r.killed && r.elector.leading()) ?? null;

  const env: LocalEnv = {
    primary,
    standby,
    ga,
    flaky,
    kubeUrl: kube.url,
    get controller() {
      return (leader() ?? replicas.find((r) => !r.killed) ?? (replicas[0] as LocalReplica))
        .controller;
    },
    replicas,
    leader,
    splitBrainWrites: () => splitBrain,
    events: () =>
      [...kube.objects.entries()]
        .filter(([path]) => path.startsWith('/api/v1/namespaces/failover-system/events/'))
        .map(([, o]) => String(o.reason)),
    objects: kube.objects as Map<string, Record<string, unknown>>,
    transitions,
    capacity,
    drMode: () => (kube.objects.get(OVERRIDES)?.data as { DR_MODE?: string } | undefined)?.DR_MODE,
    cliEnv,
    probesPerRound: primaryUrls.length,
    cli: async (args) => {
      const out: string[] = [];
      const program = buildCli(
        () => readEnv(cliEnv),
        (line) => out.push(line),
      );
      await program.parseAsync(['node', 'failover', ...args]);
      return out.join('\n');
    },
    killPrimary: async () => {
      await env.primary.stop('SIGKILL');
    },
    restartPrimary: async () => {
      // The port was just freed; another process may grab it in between, so retry a little.
      for (let attempt = 1; ; attempt += 1) {
        try {
          const started = await startAppProcess({ port: primary.port, env: primaryEnv });
          if (closed)
            await started.stop(); // stop() ran meanwhile: leave nothing behind
          else env.primary = started;
          return;
        } catch (error) {
          if (attempt >= 3) throw error;
          await sleep(500);
        }
      }
    },
    stop: async () => {
      closed = true;
      clearInterval(ramp);
      await Promise.all(
        replicas.filter((r) => !r.killed).map((r) => r.runner.stop({ release: true })),
      );
      await Promise.all([ga.close(), flaky.close(), kube.close()]);
      await Promise.all([env.primary.stop(), standby.stop()]);
    },
  };
  return env;
}
