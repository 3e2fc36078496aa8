import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube } from '../local/fake-kube.js';
import { kubeConfigFor } from '../src/build-controller.js';
import { LeaderElector } from '../src/elector.js';
import { KubeAdapter } from '../src/kube.js';
import { KubeLease } from '../src/kube-lease.js';
import { initialState } from '../src/state.js';

const HPA = '/apis/autoscaling/v2/namespaces/demo-app/horizontalpodautoscalers/demo-app-primary';
const DEPLOY = '/apis/apps/v1/namespaces/demo-app/deployments/demo-app-primary';
const OVERRIDES = '/api/v1/namespaces/flux-system/configmaps/demo-app-dr-overrides';
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/failover-system/leases/failover-controller';

let fake: Awaited<ReturnType<typeof startFakeKube>> | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Client config for the fake API server: no token or CA files (plain HTTP on 127.0.0.1). */
const configFor = (url: string) => kubeConfigFor(url, '/nonexistent', '/nonexistent');

async function setup(seed = {}) {
  fake = await startFakeKube(seed);
  const adapter = new KubeAdapter(configFor(fake.url), 2000);
  return { fake, adapter };
}

/** A Lease contender with a 15 s lease and 10 s renew deadline on the given clocks. */
const elector = (url: string, identity: string, monotonic: () => number, wall: () => Date) =>
  new LeaderElector({
    lease: new KubeLease(configFor(url), 2000),
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    monotonic,
    wall,
  });

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
    expect(await adapter.recordedMode()).toBe('failed-over');
    await adapter.recordMode('standby', 1);
    expect((fake.objects.get(OVERRIDES) as { data: unknown }).data).toEqual({ DR_MODE: 'standby' });
    expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.contentType)).toEqual([
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

  it('persists and reloads the controller state, each write preconditioned on the version read', async () => {
    const { adapter } = await setup();
    expect(await adapter.loadState()).toEqual({ state: null, invalid: null, version: null });
    const state = {
      ...initialState,
      mode: 'failing-over' as const,
      step: 'scale-up' as const,
      stepStartedAt: 5,
    };
    const v1 = await adapter.saveState(state, null);
    const v2 = await adapter.saveState({ ...state, step: 'wait-ready' }, v1);
    expect(await adapter.loadState()).toEqual({
      state: { ...state, step: 'wait-ready' },
      invalid: null,
      version: v2,
    });
    // a writer still holding v1 (an old leader) is refused
    await expect(adapter.saveState({ ...state, step: 'pin-traffic' }, v1)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await adapter.loadState()).state?.step).toBe('wait-ready');
  });

  it('creates a core/v1 Event', async () => {
    const { fake, adapter } = await setup();
    await adapter.emitEvent(
      'DRFailingOver',
      'standby → failing-over: drill',
      'Normal',
      new Date(0),
    );
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
    expect(await adapter.readControl()).toEqual({ request: { ok: true, request }, result: null });
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

const STATE = '/api/v1/namespaces/failover-system/configmaps/failover-controller-state';

describe('KubeAdapter validation and deadlines (issue #14)', () => {
  it('reports a corrupt or unknown persisted state value instead of throwing or obeying it', async () => {
    const { adapter } = await setup({
      [STATE]: {
        kind: 'ConfigMap',
        metadata: { resourceVersion: '7' },
        data: { state: '{"mode":"bogus"}' },
      },
    });
    const loaded = await adapter.loadState();
    expect(loaded.state).toBeNull();
    expect(loaded.invalid).toMatch(/data\.state is invalid: mode/);
    expect(loaded.version).toBe('7');
  });

  it('parses control requests: an invalid one is returned as invalid with its id', async () => {
    const { adapter } = await setup({
      [STATE]: {
        kind: 'ConfigMap',
        metadata: {},
        data: { request: '{"id":"r9","type":"explode","reason":"x","at":""}' },
      },
    });
    const { request } = await adapter.readControl();
    expect(request).toMatchObject({ ok: false, id: 'r9' });
    expect(request?.ok === false && request.error).toMatch(/data\.request is invalid: type/);
  });

  it('gives up on a hung API server within its timeout', async () => {
    const { fake } = await setup();
    const adapter = new KubeAdapter(configFor(fake.url), 300);
    fake.setHang(true);
    const started = Date.now();
    await expect(adapter.readyReplicas()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('Lease election through the adapter (issue #14)', () => {
  it('a contender whose clock is 20 s ahead does not take a live Lease', async () => {
    const { fake } = await setup();
    let mono = 0;
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const mk = (identity: string, skewMs: number) =>
      elector(
        fake.url,
        identity,
        () => mono,
        () => new Date(t0 + mono + skewMs),
      );
    const a = mk('a', 0);
    const b = mk('b', 20_000);
    const signal = () => AbortSignal.timeout(2000);
    expect(await a.tryAcquireOrRenew(signal())).toBe(true);
    mono += 1000;
    expect(await b.tryAcquireOrRenew(signal())).toBe(false);
    // a keeps renewing; b never sees the record stand still for 15 s of its own clock
    for (let i = 0; i < 10; i += 1) {
      mono += 2000;
      expect(await a.tryAcquireOrRenew(signal())).toBe(true);
      expect(await b.tryAcquireOrRenew(signal())).toBe(false);
    }
    // a stops renewing (crashed): b takes over only after 15 s of unchanged record
    mono += 14_000;
    expect(await b.tryAcquireOrRenew(signal())).toBe(false);
    expect(a.leading()).toBe(false);
    mono += 1500;
    expect(await b.tryAcquireOrRenew(signal())).toBe(true);
    expect(fake.objects.get(LEASE)).toMatchObject({
      spec: { holderIdentity: 'b', leaseTransitions: 1 },
    });
    a.stop();
    b.stop();
  });

  it('releases the Lease on shutdown so the other replica takes over at once', async () => {
    const { fake } = await setup();
    let mono = 0;
    const mk = (identity: string) =>
      elector(
        fake.url,
        identity,
        () => mono,
        () => new Date(),
      );
    const a = mk('a');
    const b = mk('b');
    expect(await a.tryAcquireOrRenew(AbortSignal.timeout(2000))).toBe(true);
    await a.release(AbortSignal.timeout(2000));
    expect(a.leading()).toBe(false);
    expect(fake.objects.get(LEASE)).toMatchObject({ spec: { holderIdentity: '' } });
    mono += 100;
    expect(await b.tryAcquireOrRenew(AbortSignal.timeout(2000))).toBe(true);
    b.stop();
  });
});
