import { FailoverError } from './errors.js';
import type { KubeResponse, KubeTransport } from './kube-http.js';
import type { State } from './machine.js';

const MERGE = 'application/merge-patch+json';

/** A manual command written by the CLI for the leader to perform. */
export interface ControlRequest {
  id: string;
  type: 'failover' | 'failback';
  reason: string;
  at: string;
}

/** What the leader did with a request: the machine's reasons and the resulting mode. */
export interface ControlResult {
  id: string;
  mode: string;
  reasons: string[];
}

/** Names of every object the controller touches (see README "Contract"). */
export interface KubeNames {
  /** Flux-substituted overrides: namespace flux-system, name demo-app-dr-overrides. */
  overrides: { namespace: string; name: string };
  /** Flagger's HPA and Deployment copies: namespace demo-app, name demo-app-primary. */
  workload: { namespace: string; hpa: string; deployment: string };
  /** The controller's own namespace, state ConfigMap and Lease. */
  self: { namespace: string; stateConfigMap: string; lease: string };
}

export const defaultNames: KubeNames = {
  overrides: { namespace: 'flux-system', name: 'demo-app-dr-overrides' },
  workload: { namespace: 'demo-app', hpa: 'demo-app-primary', deployment: 'demo-app-primary' },
  self: {
    namespace: 'failover-system',
    stateConfigMap: 'failover-controller-state',
    lease: 'failover-controller',
  },
};

function check(res: KubeResponse, what: string, ok: number[]): KubeResponse {
  if (ok.includes(res.status)) return res;
  const message =
    typeof res.body === 'object' && res.body !== null && 'message' in res.body
      ? String((res.body as { message: unknown }).message)
      : JSON.stringify(res.body);
  throw new FailoverError('KUBE', `${what}: HTTP ${res.status} ${message}`, res.status >= 500);
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
  acquireTime?: string;
  leaseTransitions?: number;
}
interface LeaseObject {
  metadata?: { resourceVersion?: string };
  spec?: LeaseSpec;
}

/** Kubernetes adapter: every call the controller makes, as one method each. */
export class KubeAdapter {
  constructor(
    private readonly t: KubeTransport,
    private readonly names: KubeNames = defaultNames,
  ) {}

  private cmPath(ns: string, name?: string): string {
    return `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;
  }

  /**
   * Records the DR mode where Flux substitutes it. In standby the HPA_MIN_REPLICAS override is
   * removed (null in a merge patch) so cluster-vars wins again. The ConfigMap is created by Flux
   * (ssa: IfNotPresent); creating it here is only a fallback when RBAC allows it.
   */
  async recordMode(mode: 'failed-over' | 'standby', minReplicas: number): Promise<void> {
    const { namespace, name } = this.names.overrides;
    const data = {
      DR_MODE: mode,
      HPA_MIN_REPLICAS: mode === 'standby' ? null : String(minReplicas),
    };
    const res = await this.t.request('PATCH', this.cmPath(namespace, name), { data }, MERGE);
    if (res.status !== 404) return void check(res, `patch configmap ${namespace}/${name}`, [200]);
    const created = await this.t.request('POST', this.cmPath(namespace), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace },
      data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null)),
    });
    check(created, `create configmap ${namespace}/${name}`, [201]);
  }

  /** Raises (or lowers) the floor of Flagger's -primary HPA so capacity changes now. */
  async scale(minReplicas: number): Promise<void> {
    const { namespace, hpa } = this.names.workload;
    const path = `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers/${hpa}`;
    const res = await this.t.request('PATCH', path, { spec: { minReplicas } }, MERGE);
    check(res, `patch hpa ${namespace}/${hpa}`, [200]);
  }

  /** readyReplicas of the -primary Deployment (0 when absent from status). */
  async readyReplicas(): Promise<number> {
    const { namespace, deployment } = this.names.workload;
    const res = await this.t.request(
      'GET',
      `/apis/apps/v1/namespaces/${namespace}/deployments/${deployment}`,
    );
    check(res, `get deployment ${namespace}/${deployment}`, [200]);
    const status = (res.body as { status?: { readyReplicas?: number } }).status;
    return status?.readyReplicas ?? 0;
  }

  /** The persisted state, or null when none was saved yet. */
  async loadState(): Promise<State | null> {
    const { namespace, stateConfigMap } = this.names.self;
    const res = await this.t.request('GET', this.cmPath(namespace, stateConfigMap));
    if (res.status === 404) return null;
    check(res, `get configmap ${namespace}/${stateConfigMap}`, [200]);
    const raw = (res.body as { data?: { state?: string } }).data?.state;
    if (!raw) return null;
    try {
      return JSON.parse(raw) as State;
    } catch {
      throw new FailoverError(
        'STATE',
        `configmap ${namespace}/${stateConfigMap} data.state is not JSON`,
      );
    }
  }

  async saveState(state: State): Promise<void> {
    await this.patchSelf({ state: JSON.stringify(state), mode: state.mode });
  }

  /** Asks the leader to fail over or back (the CLI is a client: only the leader acts). */
  async putRequest(request: ControlRequest): Promise<void> {
    await this.patchSelf({ request: JSON.stringify(request) });
  }

  /** The pending request and the outcome of the last handled one. */
  async readControl(): Promise<{ request: ControlRequest | null; result: ControlResult | null }> {
    const { namespace, stateConfigMap } = this.names.self;
    const res = await this.t.request('GET', this.cmPath(namespace, stateConfigMap));
    if (res.status === 404) return { request: null, result: null };
    check(res, `get configmap ${namespace}/${stateConfigMap}`, [200]);
    const data = (res.body as { data?: Record<string, string> }).data ?? {};
    const parse = <T>(raw: string | undefined): T | null => (raw ? (JSON.parse(raw) as T) : null);
    return {
      request: parse<ControlRequest>(data.request),
      result: parse<ControlResult>(data.result),
    };
  }

  /** Marks the request handled: removes it and stores its outcome. */
  async completeRequest(result: ControlResult): Promise<void> {
    await this.patchSelf({ request: null, result: JSON.stringify(result) });
  }

  private async patchSelf(data: Record<string, string | null>): Promise<void> {
    const { namespace, stateConfigMap } = this.names.self;
    const res = await this.t.request(
      'PATCH',
      this.cmPath(namespace, stateConfigMap),
      { data },
      MERGE,
    );
    if (res.status !== 404) return void check(res, 'patch state configmap', [200]);
    const created = await this.t.request('POST', this.cmPath(namespace), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: stateConfigMap, namespace },
      data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null)),
    });
    check(created, 'create state configmap', [201]);
  }

  /**
   * Acquires or renews the coordination.k8s.io Lease. Returns true when `identity` holds it.
   * Uses PUT with resourceVersion, so two contenders cannot both win (409 → not leader).
   */
  async acquireLease(identity: string, durationSeconds: number, now: Date): Promise<boolean> {
    const { namespace, lease } = this.names.self;
    const base = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
    const stamp = now.toISOString().replace('Z', '000Z');
    const got = await this.t.request('GET', `${base}/${lease}`);
    if (got.status === 404) {
      const created = await this.t.request('POST', base, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: lease, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: stamp,
          renewTime: stamp,
          leaseTransitions: 0,
        },
      });
      return created.status === 201;
    }
    check(got, `get lease ${namespace}/${lease}`, [200]);
    const current = got.body as LeaseObject;
    const spec = current.spec ?? {};
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expired = now.getTime() > renewed + (spec.leaseDurationSeconds ?? 0) * 1000;
    const mine = spec.holderIdentity === identity;
    if (!mine && !expired) return false;
    const next = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: stamp,
        ...(mine ? {} : { acquireTime: stamp, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    const put = await this.t.request('PUT', `${base}/${lease}`, next);
    if (put.status === 409) return false;
    check(put, `update lease ${namespace}/${lease}`, [200]);
    return true;
  }

  /** A core/v1 Event on the state ConfigMap, so `kubectl get events -n failover-system` shows transitions. */
  async emitEvent(reason: string, message: string, now: Date): Promise<void> {
    const { namespace, stateConfigMap } = this.names.self;
    const res = await this.t.request('POST', `/api/v1/namespaces/${namespace}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: 'failover-controller.', namespace },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: stateConfigMap, namespace },
      reason,
      message,
      type: 'Normal',
      source: { component: 'failover-controller' },
      firstTimestamp: now.toISOString(),
      lastTimestamp: now.toISOString(),
      count: 1,
    });
    check(res, 'create event', [201]);
  }
}
