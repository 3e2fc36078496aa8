import { ENV_DEFAULTS } from '@demo-app/app/config';
import { describe, expect, it } from 'vitest';
import { APP_CONTRACT } from '../src/app-contract.js';
import { resolveEnv } from '../src/checks/env.js';
import { checkProbes, checkShutdownBudget, checkZoneSpread } from '../src/checks/lifecycle.js';
import { checkPodSecurity } from '../src/checks/security.js';
import type { KubeObject } from '../src/model.js';
import { firstContainer as container, deployment, rendered } from './helpers.js';

const canaryFor = (name: string, service?: Record<string, unknown>) =>
  rendered({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name, namespace: 'app' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, service },
  });

const configMap = (name: string, data: Record<string, string>) =>
  rendered({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data });

describe('the app contract', () => {
  it("matches the app's own defaults (@demo-app/app/config)", () => {
    expect(APP_CONTRACT.shutdownDelay.defaultMs).toBe(ENV_DEFAULTS.SHUTDOWN_DELAY_MS);
    expect(APP_CONTRACT.shutdownTimeout.defaultMs).toBe(ENV_DEFAULTS.SHUTDOWN_TIMEOUT_MS);
  });
});

describe('resolveEnv', () => {
  const cms = [configMap('a', { X: '1', P_Y: '2' }), configMap('b', { X: '3' })];
  it('lets a later envFrom win, honours prefixes, and lets env win over envFrom', () => {
    const c = {
      envFrom: [{ configMapRef: { name: 'a' } }, { configMapRef: { name: 'b' } }],
    };
    expect(resolveEnv(c, 'X', cms, 'app')).toEqual({ value: '3', source: 'ConfigMap b' });
    const prefixed = { envFrom: [{ prefix: 'Q_', configMapRef: { name: 'a' } }] };
    expect(resolveEnv(prefixed, 'Q_X', cms, 'app')).toEqual({ value: '1', source: 'ConfigMap a' });
    const withEnv = { ...c, env: [{ name: 'X', value: '9' }] };
    expect(resolveEnv(withEnv, 'X', cms, 'app')).toEqual({ value: '9', source: 'env' });
    const keyRef = {
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'a', key: 'P_Y' } } }],
    };
    expect(resolveEnv(keyRef, 'X', cms, 'app')).toEqual({ value: '2', source: 'ConfigMap a' });
    expect(resolveEnv(c, 'X', cms, 'other')).toBeUndefined();
    expect(resolveEnv({ ...c, env: [{ name: 'X' }] }, 'X', cms, 'app')).toEqual({
      value: '',
      source: 'env',
    });
    const emptyBesideRef = {
      env: [{ name: 'X', value: '', valueFrom: { configMapKeyRef: { name: 'b', key: 'X' } } }],
    };
    expect(resolveEnv(emptyBesideRef, 'X', cms, 'app')).toEqual({
      value: '3',
      source: 'ConfigMap b',
    });
    const secret = { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'X' } } }] };
    expect(resolveEnv(secret, 'X', cms, 'app')).toEqual({
      value: undefined,
      source: 'env valueFrom secretKeyRef',
    });
  });
});

describe('resolveEnv follows the kubelet: envFrom in order, then env on top', () => {
  const cms = [configMap('a', { X: '1' }), configMap('b', { Y: '2' })];
  const optionalMissingKey = {
    name: 'X',
    valueFrom: { configMapKeyRef: { name: 'a', key: 'NOPE', optional: true } },
  };
  it('an optional configMapKeyRef with a missing key sets nothing: envFrom still stands', () => {
    const c = { envFrom: [{ configMapRef: { name: 'a' } }], env: [optionalMissingKey] };
    expect(resolveEnv(c, 'X', cms, 'app')).toEqual({ value: '1', source: 'ConfigMap a' });
    expect(resolveEnv({ env: [optionalMissingKey] }, 'X', cms, 'app')).toBeUndefined();
    // An earlier env entry of the same name stands too.
    const earlier = { env: [{ name: 'X', value: '7' }, optionalMissingKey] };
    expect(resolveEnv(earlier, 'X', cms, 'app')).toEqual({ value: '7', source: 'env' });
  });

  it('an envFrom Secret could set any (prefixed) name: unknown unless something later sets it', () => {
    const secret = { secretRef: { name: 's' } };
    expect(
      resolveEnv({ envFrom: [{ configMapRef: { name: 'a' } }, secret] }, 'X', cms, 'app'),
    ).toEqual({ value: undefined, source: 'envFrom Secret s' });
    expect(
      resolveEnv({ envFrom: [secret, { configMapRef: { name: 'a' } }] }, 'X', cms, 'app'),
    ).toEqual({ value: '1', source: 'ConfigMap a' });
    expect(
      resolveEnv({ envFrom: [secret], env: [{ name: 'X', value: '5' }] }, 'X', cms, 'app'),
    ).toEqual({ value: '5', source: 'env' });
    const prefixed = { envFrom: [{ prefix: 'P_', secretRef: { name: 's' } }] };
    expect(resolveEnv(prefixed, 'X', cms, 'app')).toBeUndefined();
  });

  it('an optional ConfigMap that is not rendered, or a $(VAR) reference, is unknown', () => {
    const optional = { envFrom: [{ configMapRef: { name: 'later', optional: true } }] };
    expect(resolveEnv(optional, 'X', cms, 'app')?.value).toBeUndefined();
    expect(resolveEnv(optional, 'X', cms, 'app')).toBeDefined();
    const ref = { env: [{ name: 'X', value: '$(BASE)0' }] };
    expect(resolveEnv(ref, 'X', cms, 'app')).toEqual({
      value: undefined,
      source: 'env value "$(BASE)0" (a $(VAR) reference)',
    });
  });
});

describe('checkProbes', () => {
  it('needs both probes everywhere and the app paths only on Canary targets', () => {
    const other = deployment('other');
    delete container(other).livenessProbe;
    container(other).readinessProbe = { httpGet: { path: '/ping', port: 'http' } };
    const app = deployment('web');
    container(app).livenessProbe = { httpGet: { path: '/readyz', port: 'http' } };
    const findings = checkProbes([rendered(other), rendered(app), canaryFor('web')]);
    expect(findings.map((f) => `${f.name} ${f.field}`)).toEqual([
      'other spec.template.spec.containers[0].livenessProbe',
      'web spec.template.spec.containers[0].livenessProbe.httpGet.path',
    ]);
    expect(findings[1]?.message).toContain('"/readyz"; the app (a Canary target) serves liveness');
  });
});

describe('checkShutdownBudget', () => {
  const app = (grace: number | undefined, env: Record<string, unknown>[] = []) => {
    const d = deployment('web');
    const spec = (d.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    if (grace === undefined) delete spec.terminationGracePeriodSeconds;
    else spec.terminationGracePeriodSeconds = grace;
    container(d).env = env;
    container(d).envFrom = [{ configMapRef: { name: 'cfg' } }];
    return d;
  };
  const run = (d: KubeObject, data: Record<string, string> = {}) =>
    checkShutdownBudget([rendered(d), configMap('cfg', data), canaryFor('web')]);

  it("uses the app's defaults (5 s + 10 s) when nothing is set", () => {
    expect(run(app(16))).toEqual([]);
    expect(run(app(15))[0]?.message).toBe(
      '15 s must be larger than container "main"\'s shutdown budget 15 s = SHUTDOWN_DELAY_MS 5000 (app default) + SHUTDOWN_TIMEOUT_MS 10000 (app default)',
    );
  });

  it('reads the ConfigMap, lets env win, treats empty as unset, adds a preStop sleep', () => {
    const data = { SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_TIMEOUT_MS: '25000' };
    expect(run(app(undefined), data)[0]?.message).toMatch(
      /^30 s \(Kubernetes' default\) must be larger .* 30 s = SHUTDOWN_DELAY_MS 5000 \(ConfigMap cfg\) \+ SHUTDOWN_TIMEOUT_MS 25000 \(ConfigMap cfg\)$/,
    );
    expect(run(app(30, [{ name: 'SHUTDOWN_TIMEOUT_MS', value: '' }]), data)).toEqual([]);
    const hooked = app(20);
    container(hooked).lifecycle = { preStop: { sleep: { seconds: 6 } } };
    expect(run(hooked)[0]?.message).toMatch(/budget 21 s = .* \+ preStop sleep 6 s$/);
    expect(run(app(30), { SHUTDOWN_DELAY_MS: '5s' })[0]?.message).toBe(
      'cannot check: SHUTDOWN_DELAY_MS "5s" (ConfigMap cfg) is not an integer of ms',
    );
    const fromSecret = app(30, [
      { name: 'SHUTDOWN_TIMEOUT_MS', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ]);
    expect(run(fromSecret)[0]?.message).toBe(
      'cannot check: SHUTDOWN_TIMEOUT_MS comes from env valueFrom secretKeyRef, which deploy-check cannot read',
    );
  });

  it('counts a preStop exec of a literal sleep, and cannot check any other hook', () => {
    const withHook = (preStop: Record<string, unknown>) => {
      const d = app(30);
      container(d).lifecycle = { preStop };
      return run(d).map((f) => f.message);
    };
    expect(withHook({ exec: { command: ['sleep', '20'] } })).toEqual([
      '30 s must be larger than container "main"\'s shutdown budget 35 s = SHUTDOWN_DELAY_MS 5000 (app default) + SHUTDOWN_TIMEOUT_MS 10000 (app default) + preStop exec ["sleep","20"] 20 s',
    ]);
    expect(withHook({ exec: { command: ['/bin/sh', '-c', 'sleep 16'] } })[0]).toMatch(
      /budget 31 s = .* \+ preStop exec \["\/bin\/sh","-c","sleep 16"\] 16 s$/,
    );
    expect(withHook({ exec: { command: ['sleep', '14'] } })).toEqual([]);
    expect(withHook({ httpGet: { path: '/drain', port: 'http' } })).toEqual([
      'cannot check: preStop httpGet takes an unknown time (only sleep.seconds or an exec of a literal sleep N is counted)',
    ]);
    expect(withHook({ exec: { command: ['sh', '-c', 'sleep 5 && curl x'] } })[0]).toMatch(
      /^cannot check: preStop exec \["sh","-c","sleep 5 && curl x"\] takes an unknown time/,
    );
  });

  it('reports a setting an envFrom Secret could hold as uncheckable', () => {
    const d = app(30);
    container(d).envFrom = [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'over' } }];
    expect(run(d).map((f) => f.message)).toEqual([
      'cannot check: SHUTDOWN_DELAY_MS could come from envFrom Secret over, which deploy-check cannot read; SHUTDOWN_TIMEOUT_MS could come from envFrom Secret over, which deploy-check cannot read',
    ]);
  });

  it('keeps the envFrom value when an optional configMapKeyRef names a missing key', () => {
    const d = app(30, [
      {
        name: 'SHUTDOWN_TIMEOUT_MS',
        valueFrom: { configMapKeyRef: { name: 'cfg', key: 'NOPE', optional: true } },
      },
    ]);
    expect(run(d, { SHUTDOWN_TIMEOUT_MS: '25000' })[0]?.message).toMatch(
      /budget 30 s = SHUTDOWN_DELAY_MS 5000 \(app default\) \+ SHUTDOWN_TIMEOUT_MS 25000 \(ConfigMap cfg\)$/,
    );
  });

  it('leaves workloads without a Canary alone', () => {
    expect(checkShutdownBudget([rendered(app(1))])).toEqual([]);
  });
});

describe('sidecars of a Canary target', () => {
  /** The app on port 8080 (`http`) and a proxy sidecar with its own probes on `admin`. */
  const withSidecar = (sidecar: Record<string, unknown> = {}) => {
    const d = deployment('web', 'app', { terminationGracePeriodSeconds: 12 });
    const spec = (d.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
      .template.spec;
    container(d).env = [{ name: 'SHUTDOWN_DELAY_MS', value: '1000' }];
    spec.containers.push({
      ...structuredClone(container(d)),
      name: 'proxy',
      env: [],
      ports: [{ name: 'admin', containerPort: 9901 }],
      readinessProbe: { httpGet: { path: '/ready', port: 'admin' } },
      livenessProbe: { httpGet: { path: '/live', port: 'admin' } },
      ...sidecar,
    });
    return rendered(d);
  };

  it.each([
    ['a named targetPort', { port: 80, targetPort: 'http' }],
    ['a numbered targetPort', { port: 80, targetPort: 8080 }],
    ['the service port when targetPort is unset', { port: 8080 }],
  ])('hold only the container serving %s to the app contract', (_, service) => {
    const objects = [withSidecar(), canaryFor('web', service)];
    expect(checkProbes(objects)).toEqual([]);
    expect(checkShutdownBudget(objects)).toEqual([]);
  });

  it('still need both probes, and a knowable preStop sleep must fit in the grace period', () => {
    const objects = [
      withSidecar({ livenessProbe: undefined, lifecycle: { preStop: { sleep: { seconds: 12 } } } }),
      canaryFor('web', { port: 80, targetPort: 'http' }),
    ];
    expect(checkProbes(objects).map((f) => f.field)).toEqual([
      'spec.template.spec.containers[1].livenessProbe',
    ]);
    expect(checkShutdownBudget(objects).map((f) => f.message)).toEqual([
      '12 s must be larger than container "proxy"\'s shutdown budget 12 s = preStop sleep 12 s (not the Canary target port\'s container: only its preStop hook is known)',
    ]);
  });

  it('are reported when no container declares the Canary port, so the app checks never go silent', () => {
    const objects = [withSidecar(), canaryFor('web', { port: 80, targetPort: 9090 })];
    expect(checkProbes(objects).map((f) => [f.field, f.message])).toEqual([
      [
        'spec.template.spec.containers',
        "no container declares the Canary's port 9090, so deploy-check cannot tell which of the 2 containers is the app: declare the port in the app container's ports",
      ],
    ]);
  });

  it('is the app when the port names the proxy (the app contract moves with it)', () => {
    const objects = [withSidecar(), canaryFor('web', { port: 80, targetPort: 'admin' })];
    expect(checkProbes(objects).map((f) => f.field)).toEqual([
      'spec.template.spec.containers[1].readinessProbe.httpGet.path',
      'spec.template.spec.containers[1].livenessProbe.httpGet.path',
    ]);
  });
});

describe('checkZoneSpread', () => {
  it('needs a zone constraint that selects the pods', () => {
    const none = deployment('a', 'app', { topologySpreadConstraints: [] });
    const wrong = deployment('b', 'app', {
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          labelSelector: { matchLabels: { app: 'x' } },
        },
      ],
    });
    expect(checkZoneSpread([rendered(deployment()), rendered(none), rendered(wrong)])).toEqual([
      expect.objectContaining({ name: 'a', field: 'spec.template.spec.topologySpreadConstraints' }),
      expect.objectContaining({
        name: 'b',
        field: 'spec.template.spec.topologySpreadConstraints[0].labelSelector',
        message: expect.stringContaining('spreads nothing'),
      }),
    ]);
  });
});

describe('service account token', () => {
  const field = 'spec.template.spec.automountServiceAccountToken';
  const tokenFindings = (podSpec: Record<string, unknown>, extra: KubeObject[] = []) =>
    checkPodSecurity([
      rendered(deployment('web', 'app', podSpec)),
      ...extra.map((o) => rendered(o)),
    ])
      .filter((f) => f.field === field)
      .map((f) => f.message);
  const sa = (automount: boolean) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'ctl', namespace: 'app' },
    automountServiceAccountToken: automount,
  });

  it('accepts false on the pod, or on its ServiceAccount', () => {
    expect(tokenFindings({})).toEqual([]);
    expect(
      tokenFindings({ automountServiceAccountToken: undefined, serviceAccountName: 'ctl' }, [
        sa(false),
      ]),
    ).toEqual([]);
  });

  const all = (podSpec: Record<string, unknown>, extra: KubeObject[] = []) =>
    checkPodSecurity([
      rendered(deployment('web', 'app', podSpec)),
      ...extra.map((o) => rendered(o)),
    ]).map((f) => `${f.field}: ${f.message}`);

  it('rejects a serviceAccountName nothing in the cluster defines (the pods are never created)', () => {
    expect(all({ automountServiceAccountToken: true, serviceAccountName: 'ctl' })).toEqual([
      'spec.template.spec.serviceAccountName: ServiceAccount "ctl" is not defined in namespace app by anything this cluster applies (it opts in to the API token): the API server would refuse to create the pods',
    ]);
    // Defined in another namespace does not count.
    const elsewhere = { ...sa(true), metadata: { name: 'ctl', namespace: 'other' } };
    expect(
      all({ automountServiceAccountToken: true, serviceAccountName: 'ctl' }, [elsewhere]),
    ).toHaveLength(1);
    expect(
      all({ automountServiceAccountToken: true, serviceAccountName: 'ctl' }, [sa(true)]),
    ).toEqual([]);
  });

  it('rejects a projected serviceAccountToken volume on a pod that claims no token', () => {
    const volumes = [
      { name: 'tmp', emptyDir: {} },
      {
        name: 'tok',
        projected: {
          sources: [{ configMap: { name: 'x' } }, { serviceAccountToken: { path: 't' } }],
        },
      },
    ];
    const field = 'spec.template.spec.volumes[1].projected.sources[1].serviceAccountToken';
    expect(all({ volumes })).toEqual([
      `${field}: mounts a service account token although the pod claims none (automountServiceAccountToken is false): remove it, or opt in with automountServiceAccountToken: true and a dedicated serviceAccountName`,
    ]);
    const viaAccount = {
      automountServiceAccountToken: undefined,
      serviceAccountName: 'ctl',
      volumes,
    };
    expect(all(viaAccount, [sa(false)])).toEqual([
      expect.stringMatching(/automountServiceAccountToken is false on ServiceAccount "ctl"\)/),
    ]);
    const optedIn = { automountServiceAccountToken: true, serviceAccountName: 'ctl', volumes };
    expect(all(optedIn, [sa(true)])).toEqual([]);
  });

  it('accepts an explicit opt-in with a dedicated account only', () => {
    expect(
      tokenFindings({ automountServiceAccountToken: true, serviceAccountName: 'ctl' }, [sa(true)]),
    ).toEqual([]);
    expect(tokenFindings({ automountServiceAccountToken: true })).toEqual([
      expect.stringContaining('true with the default ServiceAccount'),
    ]);
    expect(
      tokenFindings({ automountServiceAccountToken: undefined, serviceAccountName: 'ctl' }, [
        sa(true),
      ]),
    ).toEqual([expect.stringContaining('ServiceAccount "ctl" does not disable it')]);
  });
});
