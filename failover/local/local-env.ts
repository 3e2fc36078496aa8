/**
 * Local two-region environment: the app as eu-central-1 (primary) and eu-west-2 (standby), the
 * Global Accelerator stand-in in front, and the controller wired to it (GA adapter → stand-in API;
 * Kubernetes → an in-memory fake whose Deployment becomes ready one replica per 500 ms).
 */
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { type AppProcess, startAppProcess } from '@demo-app/app/testing';
import { Controller } from '../src/controller.js';
import { GaAdapter } from '../src/ga.js';
import type { ControlRequest, ControlResult } from '../src/kube.js';
import type { State } from '../src/machine.js';
import { defaultPolicy, type Policy } from '../src/policy.js';
import { probeRound } from '../src/prober.js';
import { type StandIn, startGaStandIn } from './ga-standin.js';

export interface LocalEnv {
  primary: AppProcess;
  standby: AppProcess;
  ga: StandIn;
  controller: Controller;
  kube: { minReplicas: number; ready: number; readyAt: number | null; mode: string };
  transitions: { at: number; from: string; to: string }[];
  stop(): Promise<void>;
}

export async function startLocalEnv(
  log: (line: string) => void,
  policy: Policy = defaultPolicy,
): Promise<LocalEnv> {
  const [primary, standby] = await Promise.all([
    startAppProcess({ env: { AWS_REGION: 'eu-central-1', ACCESS_LOG_LEVEL: 'silent' } }),
    startAppProcess({ env: { AWS_REGION: 'eu-west-2', ACCESS_LOG_LEVEL: 'silent' } }),
  ]);
  const ga = await startGaStandIn(primary.url, standby.url);
  const kube = { minReplicas: 1, ready: 1, readyAt: null as number | null, mode: 'standby' };
  let state: State | null = null;
  let control: { request: ControlRequest | null; result: ControlResult | null } = {
    request: null,
    result: null,
  };
  const ramp = setInterval(() => {
    if (kube.ready < kube.minReplicas) {
      kube.ready += 1;
      if (kube.ready >= kube.minReplicas) kube.readyAt = Date.now();
    } else if (kube.ready > kube.minReplicas) kube.ready = kube.minReplicas;
  }, 500);
  const transitions: LocalEnv['transitions'] = [];
  const gaAdapter = new GaAdapter({
    client: new GlobalAcceleratorClient({
      region: 'us-west-2',
      endpoint: ga.apiUrl,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    groups: { primary: ga.groups.primary.arn, standby: ga.groups.standby.arn },
    maxAttempts: 4,
    baseDelayMs: 100,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  });
  const controller = new Controller({
    kube: {
      recordMode: async (mode) => {
        kube.mode = mode;
      },
      scale: async (min) => {
        kube.minReplicas = min;
      },
      readyReplicas: async () => kube.ready,
      loadState: async () => state,
      saveState: async (s) => {
        state = s;
      },
      acquireLease: async () => true,
      emitEvent: async (reason, message) => log(`event ${reason}: ${message}`),
      readControl: async () => control,
      completeRequest: async (result) => {
        control = { request: null, result };
      },
    },
    ga: gaAdapter,
    probeRound: () =>
      probeRound({
        targets: [`${primary.url}/readyz`, `${primary.url}/readyz`, `${primary.url}/healthz`],
        reference: `${standby.url}/readyz`,
        timeoutMs: 1500,
      }),
    primaryCapacityReady: async () => true,
    log: {
      info: (obj, msg) => log(JSON.stringify({ msg, ...obj })),
      warn: (obj, msg) => log(JSON.stringify({ level: 'warn', msg, ...obj })),
    },
    metrics: {
      mode: () => {},
      probes: () => {},
      transition: (from, to) => transitions.push({ at: Date.now(), from, to }),
      stepDuration: () => {},
    },
    now: Date.now,
    policy,
    identity: 'local',
    leaseSeconds: 15,
    dryRun: false,
  });
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      await controller.cycle().catch((e: unknown) => log(`cycle failed: ${String(e)}`));
      await new Promise((r) =>
        setTimeout(r, Math.max(0, policy.intervalMs - (Date.now() - started))),
      );
    }
  })();
  return {
    primary,
    standby,
    ga,
    controller,
    kube,
    transitions,
    stop: async () => {
      running = false;
      clearInterval(ramp);
      await loop;
      await ga.close();
      await Promise.all([primary.stop(), standby.stop()]);
    },
  };
}
