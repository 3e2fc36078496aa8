import { afterEach, describe, expect, it } from 'vitest';
import { KubeAdapter } from '../src/kube.js';
import { httpTransport } from '../src/kube-http.js';
import { initialState } from '../src/machine.js';
import { startFakeKube } from './support/fake-kube.js';

const HPA = '/apis/autoscaling/v2/namespaces/demo-app/horizontalpodautoscalers/demo-app-primary';
const DEPLOY = '/apis/apps/v1/namespaces/demo-app/deployments/demo-app-primary';
const OVERRIDES = '/api/v1/namespaces/flux-system/configmaps/demo-app-dr-overrides';
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/failover-system/leases/failover-controller';

let fake: Awaited<ReturnType<typeof startFakeKube>> | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(seed = {}) {
  fake = await startFakeKube(seed);
  const adapter = new KubeAdapter(
    httpTransport({ server: fake.url, token: 'test-token', ca: null, timeoutMs: 2000 }),
  );
  return { fake, adapter };
}

describe('KubeAdapter against a local API server', () => {
  it('patches the -primary HPA floor with a merge patch', async () => {
    const { fake, adapter } = await setup({
      [HPA]: {
        kind: 'HorizontalPodAutoscaler',
        metadata: {},
        spec: { minReplicas: 1, maxReplicas: 10 },
      },
    });
    await adapter.scale(3);
    expect(fake.requests).toEqual([
      {
        method: 'PATCH',
        path: HPA,
        contentType: 'application/merge-patch+json',
        body: { spec: { minReplicas: 3 } },
      },
    ]);
    expect(fake.objects.get(HPA)).toMatchObject({ spec: { minReplicas: 3, maxReplicas: 10 } });
  });

  it('records the mode in the overrides ConfigMap and removes the floor override in standby', async () => {
    const { fake, adapter } = await setup({
      [OVERRIDES]: { kind: 'ConfigMap', metadata: {}, data: { DR_MODE: 'standby' } },
    });
    await adapter.recordMode('failed-over', 3);
    expect(fake.objects.get(OVERRIDES)).toMatchObject({
      data: { DR_MODE: 'failed-over', HPA_MIN_REPLICAS: '3' },
    });
    await adapter.recordMode('standby', 1);
    expect((fake.objects.get(OVERRIDES) as { data: unknown }).data).toEqual({ DR_MODE: 'standby' });
    expect(fake.requests.map((r) => r.contentType)).toEqual([
      'application/merge-patch+json',
      'application/merge-patch+json',
    ]);
  });

  it('creates the overrides ConfigMap when Flux has not created it', async () => {
    const { fake, adapter } = await setup();
    await adapter.recordMode('failed-over', 4);
    expect(fake.requests.map((r) => r.method)).toEqual(['PATCH', 'POST']);
    expect(fake.objects.get(OVERRIDES)).toMatchObject({
      data: { DR_MODE: 'failed-over', HPA_MIN_REPLICAS: '4' },
    });
  });

  it('reads readyReplicas and names the object on errors', async () => {
    const { adapter } = await setup({ [DEPLOY]: { metadata: {}, status: { readyReplicas: 2 } } });
    expect(await adapter.readyReplicas()).toBe(2);
    await expect(adapter.scale(3)).rejects.toThrow(
      /patch hpa demo-app\/demo-app-primary: HTTP 404/,
    );
  });

  it('persists and reloads the controller state', async () => {
    const { adapter } = await setup();
    expect(await adapter.loadState()).toBeNull();
    const state = { ...initialState, mode: 'failing-over' as const, step: 'scale-up' as const };
    await adapter.saveState(state);
    await adapter.saveState({ ...state, step: 'wait-ready' });
    expect(await adapter.loadState()).toEqual({ ...state, step: 'wait-ready' });
  });

  it('lets only one holder own the Lease until it expires', async () => {
    const { fake, adapter } = await setup();
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(await adapter.acquireLease('a', 15, t0)).toBe(true);
    expect(await adapter.acquireLease('b', 15, new Date(t0.getTime() + 5000))).toBe(false);
    expect(await adapter.acquireLease('a', 15, new Date(t0.getTime() + 10_000))).toBe(true);
    expect(await adapter.acquireLease('b', 15, new Date(t0.getTime() + 26_000))).toBe(true);
    expect(fake.objects.get(LEASE)).toMatchObject({
      spec: { holderIdentity: 'b', leaseTransitions: 1 },
    });
  });

  it('creates a core/v1 Event', async () => {
    const { fake, adapter } = await setup();
    await adapter.emitEvent('DRFailingOver', 'standby → failing-over: drill', new Date(0));
    const post = fake.requests[0];
    expect(post?.path).toBe('/api/v1/namespaces/failover-system/events');
    expect(post?.body).toMatchObject({ reason: 'DRFailingOver', type: 'Normal' });
  });
});

describe('KubeAdapter control requests', () => {
  it('stores a CLI request beside the state and clears it with its result', async () => {
    const { adapter } = await setup();
    const request = {
      id: 'r1',
      type: 'failover' as const,
      reason: 'drill',
      at: '2026-01-01T00:00:00Z',
    };
    await adapter.putRequest(request);
    expect(await adapter.readControl()).toEqual({ request, result: null });
    await adapter.completeRequest({
      id: 'r1',
      mode: 'failing-over',
      reasons: ['manual failover: drill'],
    });
    expect(await adapter.readControl()).toEqual({
      request: null,
      result: { id: 'r1', mode: 'failing-over', reasons: ['manual failover: drill'] },
    });
  });
});
