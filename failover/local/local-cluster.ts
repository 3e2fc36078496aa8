/**
 * The local cluster: the Kubernetes API stand-in (fake-kube.ts) seeded with what the controller
 * touches, whose demo-app-primary Deployment gains or loses one ready replica per 500 ms until it
 * matches the HPA floor.
 */
import { startFakeKube } from './fake-kube.js';

const HPA = '/apis/autoscaling/v2/namespaces/demo-app/horizontalpodautoscalers/demo-app-primary';
const DEPLOYMENT = '/apis/apps/v1/namespaces/demo-app/deployments/demo-app-primary';
const OVERRIDES = '/api/v1/namespaces/flux-system/configmaps/demo-app-dr-overrides';
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/failover-system/leases/failover-controller';
const EVENTS = '/api/v1/namespaces/failover-system/events/';
export const STATE = '/api/v1/namespaces/failover-system/configmaps/failover-controller-state';

/** One change of the standby's HPA floor or ready replicas, as the local cluster saw it. */
export interface CapacityChange {
  at: number;
  floor: number;
  ready: number;
}

export interface LocalCluster {
  url: string;
  /** The stand-in's objects (test device: the drill corrupts the state). */
  objects: Map<string, Record<string, unknown>>;
  capacity: CapacityChange[];
  /** The Lease holder's identity. */
  holder(): string | undefined;
  /** Kubernetes Events the replicas created (reason list, in order). */
  events(): string[];
  /** DR_MODE in the Flux overrides ConfigMap. */
  drMode(): string | undefined;
  close(): Promise<void>;
}

export async function startLocalCluster(floor: number): Promise<LocalCluster> {
  const kube = await startFakeKube({
    [HPA]: { kind: 'HorizontalPodAutoscaler', metadata: {}, spec: { minReplicas: floor } },
    [DEPLOYMENT]: { kind: 'Deployment', metadata: {}, status: { readyReplicas: floor } },
    [OVERRIDES]: { kind: 'ConfigMap', metadata: {}, data: { DR_MODE: 'standby' } },
  });
  const capacity: CapacityChange[] = [{ at: Date.now(), floor, ready: floor }];
  // Ready replicas follow the HPA floor, one per 500 ms.
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
  return {
    url: kube.url,
    objects: kube.objects as Map<string, Record<string, unknown>>,
    capacity,
    holder: () =>
      (kube.objects.get(LEASE) as { spec?: { holderIdentity?: string } } | undefined)?.spec
        ?.holderIdentity,
    events: () =>
      [...kube.objects.entries()]
        .filter(([path]) => path.startsWith(EVENTS))
        .map(([, o]) => String(o.reason)),
    drMode: () => (kube.objects.get(OVERRIDES)?.data as { DR_MODE?: string } | undefined)?.DR_MODE,
    close: async () => {
      clearInterval(ramp);
      await kube.close();
    },
  };
}
