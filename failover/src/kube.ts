import {
  AppsV1Api,
  AutoscalingV2Api,
  type ConfigurationOptions,
  CoreV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { FailoverError } from './errors.js';
import { isStatus, kubeCall } from './kube-call.js';
import { defaultNames, type KubeNames } from './kube-names.js';
import {
  type ControlRequest,
  type ControlResult,
  parseRequest,
  parseState,
  parseStored,
  resultSchema,
  salvageId,
} from './schema.js';
import type { State } from './state.js';

export type { ControlRequest, ControlResult } from './schema.js';

const MERGE = 'application/merge-patch+json';

/** The persisted state as read: valid, absent, or invalid (with why), plus its resourceVersion. */
export interface LoadedState {
  state: State | null;
  invalid: string | null;
  version: string | null;
}

/** A pending request: valid, or invalid (to be rejected and removed). */
export type PendingRequest =
  | { ok: true; request: ControlRequest }
  | { ok: false; id: string; error: string };

/**
 * Kubernetes adapter over @kubernetes/client-node: one method per call the controller makes, each
 * with a deadline (kube-call.ts). The Lease calls of leader election are in kube-lease.ts.
 */
export class KubeAdapter {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly autoscaling: AutoscalingV2Api;

  constructor(
    config: KubeConfig,
    private readonly timeoutMs = 5000,
    private readonly names: KubeNames = defaultNames,
  ) {
    this.core = config.makeApiClient(CoreV1Api);
    this.apps = config.makeApiClient(AppsV1Api);
    this.autoscaling = config.makeApiClient(AutoscalingV2Api);
  }

  private call<T>(
    what: string,
    signal: AbortSignal | undefined,
    run: (opts: ConfigurationOptions) => Promise<T>,
    contentType?: string,
  ): Promise<T> {
    return kubeCall(this.timeoutMs, what, signal, run, contentType);
  }

  /**
   * Records the DR mode where Flux substitutes it. In standby the HPA_MIN_REPLICAS override is
   * removed (null in a merge patch) so cluster-vars wins again. The ConfigMap is created by Flux
   * (ssa: IfNotPresent); creating it here is only a fallback when RBAC allows it.
   */
  async recordMode(
    mode: 'failed-over' | 'standby',
    minReplicas: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const { namespace, name } = this.names.overrides;
    const data = {
      DR_MODE: mode,
      HPA_MIN_REPLICAS: mode === 'standby' ? null : String(minReplicas),
    };
    const what = `patch configmap ${namespace}/${name}`;
    try {
      await this.call(
        what,
        signal,
        (o) => this.core.patchNamespacedConfigMap({ name, namespace, body: { data } }, o),
        MERGE,
      );
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      await this.call(`create configmap ${namespace}/${name}`, signal, (o) =>
        this.core.createNamespacedConfigMap(
          { namespace, body: { metadata: { name, namespace }, data: dropNulls(data) } },
          o,
        ),
      );
    }
  }

  /** DR_MODE as last recorded in the overrides ConfigMap (null when absent or unknown). */
  async recordedMode(signal?: AbortSignal): Promise<'failed-over' | 'standby' | null> {
    const { namespace, name } = this.names.overrides;
    try {
      const cm = await this.call(`get configmap ${namespace}/${name}`, signal, (o) =>
        this.core.readNamespacedConfigMap({ name, namespace }, o),
      );
      const mode = cm.data?.DR_MODE;
      return mode === 'failed-over' || mode === 'standby' ? mode : null;
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw error;
    }
  }

  /** Raises (or lowers) the floor of Flagger's -primary HPA so capacity changes now. */
  async scale(minReplicas: number, signal?: AbortSignal): Promise<void> {
    const { namespace, hpa } = this.names.workload;
    await this.call(
      `patch hpa ${namespace}/${hpa}`,
      signal,
      (o) =>
        this.autoscaling.patchNamespacedHorizontalPodAutoscaler(
          { name: hpa, namespace, body: { spec: { minReplicas } } },
          o,
        ),
      MERGE,
    );
  }

  /** readyReplicas of the -primary Deployment (0 when absent from status). */
  async readyReplicas(signal?: AbortSignal): Promise<number> {
    const { namespace, deployment } = this.names.workload;
    const d = await this.call(`get deployment ${namespace}/${deployment}`, signal, (o) =>
      this.apps.readNamespacedDeployment({ name: deployment, namespace }, o),
    );
    return d.status?.readyReplicas ?? 0;
  }

  private async readSelf(signal?: AbortSignal) {
    const { namespace, stateConfigMap: name } = this.names.self;
    try {
      return await this.call(`get configmap ${namespace}/${name}`, signal, (o) =>
        this.core.readNamespacedConfigMap({ name, namespace }, o),
      );
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw error;
    }
  }

  /** The persisted state, validated; an invalid value is reported, never thrown. */
  async loadState(signal?: AbortSignal): Promise<LoadedState> {
    const cm = await this.readSelf(signal);
    const version = cm?.metadata?.resourceVersion ?? null;
    const raw = cm?.data?.state;
    if (!raw) return { state: null, invalid: null, version };
    const parsed = parseState(raw);
    return parsed.ok
      ? { state: parsed.value, invalid: null, version }
      : {
          state: null,
          invalid: `configmap ${this.names.self.namespace}/${this.names.self.stateConfigMap} ${parsed.error}`,
          version,
        };
  }

  /**
   * Saves the state only if the ConfigMap is still at `version` (resourceVersion in a merge patch
   * is a precondition: the API server answers 409 when it moved). Returns the new version.
   * Throws CONFLICT when someone else wrote in between (re-read before acting again).
   */
  async saveState(state: State, version: string | null, signal?: AbortSignal): Promise<string> {
    return this.patchSelf({ state: JSON.stringify(state), mode: state.mode }, version, signal);
  }

  /** Asks the leader to fail over or back (the CLI is a client: only the leader acts). */
  async putRequest(request: ControlRequest, signal?: AbortSignal): Promise<void> {
    await this.patchSelf({ request: JSON.stringify(request) }, undefined, signal);
  }

  /** The pending request (validated) and the outcome of the last handled one. */
  async readControl(
    signal?: AbortSignal,
  ): Promise<{ request: PendingRequest | null; result: ControlResult | null }> {
    const data = (await this.readSelf(signal))?.data ?? {};
    let request: PendingRequest | null = null;
    if (data.request) {
      const parsed = parseRequest(data.request);
      request = parsed.ok
        ? { ok: true, request: parsed.value }
        : { ok: false, id: salvageId(data.request), error: parsed.error };
    }
    const result = data.result ? parseStored('result', data.result, resultSchema) : null;
    return { request, result: result?.ok ? result.value : null };
  }

  /**
   * Marks the request handled: removes it and stores its outcome, if the ConfigMap is still at
   * `version` (null: no precondition). Returns the new resourceVersion.
   */
  completeRequest(
    result: ControlResult,
    version: string | null = null,
    signal?: AbortSignal,
  ): Promise<string> {
    return this.patchSelf(
      { request: null, result: JSON.stringify(result) },
      version ?? undefined,
      signal,
    );
  }

  /** `version`: precondition (null = the ConfigMap must not exist yet; undefined = none). */
  private async patchSelf(
    data: Record<string, string | null>,
    version: string | null | undefined,
    signal?: AbortSignal,
  ): Promise<string> {
    const { namespace, stateConfigMap: name } = this.names.self;
    const metadata = version ? { resourceVersion: version } : {};
    try {
      if (version === null) throw new FailoverError('KUBE', 'absent', false);
      const cm = await this.call(
        `patch configmap ${namespace}/${name}`,
        signal,
        (o) => this.core.patchNamespacedConfigMap({ name, namespace, body: { metadata, data } }, o),
        MERGE,
      );
      return cm.metadata?.resourceVersion ?? '';
    } catch (error) {
      if (isStatus(error, 409)) {
        throw new FailoverError(
          'CONFLICT',
          `configmap ${namespace}/${name} changed since version ${version}`,
        );
      }
      if (version !== null && !isStatus(error, 404)) throw error;
      const cm = await this.call(`create configmap ${namespace}/${name}`, signal, (o) =>
        this.core.createNamespacedConfigMap(
          { namespace, body: { metadata: { name, namespace }, data: dropNulls(data) } },
          o,
        ),
      ).catch((e: unknown) => {
        if (isStatus(e, 409))
          throw new FailoverError(
            'CONFLICT',
            `configmap ${namespace}/${name} was created meanwhile`,
          );
        throw e;
      });
      return cm.metadata?.resourceVersion ?? '';
    }
  }

  /** A core/v1 Event on the state ConfigMap, so `kubectl get events -n failover-system` shows transitions. */
  async emitEvent(
    reason: string,
    message: string,
    type: 'Normal' | 'Warning',
    now: Date,
    signal?: AbortSignal,
  ): Promise<void> {
    const { namespace, stateConfigMap } = this.names.self;
    await this.call('create event', signal, (o) =>
      this.core.createNamespacedEvent(
        {
          namespace,
          body: {
            metadata: { generateName: 'failover-controller.', namespace },
            involvedObject: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: stateConfigMap,
              namespace,
            },
            reason,
            message: message.slice(0, 1024),
            type,
            source: { component: 'failover-controller' },
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
          },
        },
        o,
      ),
    );
  }
}

function dropNulls(data: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data).filter((e): e is [string, string] => e[1] !== null),
  );
}
