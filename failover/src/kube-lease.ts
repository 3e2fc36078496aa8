import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { LeaseApi, LeaseSpecWrite } from './elector.js';
import { isStatus, kubeCall } from './kube-call.js';
import type { LeaseRecord } from './lease.js';

/** The coordination.k8s.io/v1 Lease calls of leader election (LeaseApi), each with a deadline. */
export class KubeLease implements LeaseApi {
  private readonly api: CoordinationV1Api;

  constructor(
    config: KubeConfig,
    private readonly timeoutMs: number,
    private readonly namespace = 'failover-system',
    private readonly name = 'failover-controller',
  ) {
    this.api = config.makeApiClient(CoordinationV1Api);
  }

  async readLease(signal: AbortSignal): Promise<LeaseRecord | null> {
    const { namespace, name } = this;
    try {
      const l = await kubeCall(this.timeoutMs, `get lease ${namespace}/${name}`, signal, (o) =>
        this.api.readNamespacedLease({ name, namespace }, o),
      );
      const s = l.spec ?? {};
      return {
        holder: s.holderIdentity ?? null,
        durationSeconds: s.leaseDurationSeconds ?? 0,
        renewTime: s.renewTime ? new Date(s.renewTime).toISOString() : null,
        acquireTime: s.acquireTime ? new Date(s.acquireTime).toISOString() : null,
        transitions: s.leaseTransitions ?? 0,
        version: l.metadata?.resourceVersion ?? '',
      };
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw error;
    }
  }

  async createLease(spec: LeaseSpecWrite, signal: AbortSignal): Promise<boolean> {
    const { namespace, name } = this;
    try {
      await kubeCall(this.timeoutMs, `create lease ${namespace}/${name}`, signal, (o) =>
        this.api.createNamespacedLease({ namespace, body: this.body(spec) }, o),
      );
      return true;
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  async replaceLease(spec: LeaseSpecWrite, version: string, signal: AbortSignal): Promise<boolean> {
    const { namespace, name } = this;
    try {
      await kubeCall(this.timeoutMs, `update lease ${namespace}/${name}`, signal, (o) =>
        this.api.replaceNamespacedLease({ name, namespace, body: this.body(spec, version) }, o),
      );
      return true;
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  private body(s: LeaseSpecWrite, version?: string): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(version ? { resourceVersion: version } : {}),
      },
      spec: {
        holderIdentity: s.holder,
        leaseDurationSeconds: s.durationSeconds,
        // client-node models MicroTime as Date and serializes it with toISOString
        renewTime: new Date(s.renewTime),
        ...(s.acquireTime ? { acquireTime: new Date(s.acquireTime) } : {}),
        leaseTransitions: s.transitions,
      },
    };
  }
}
