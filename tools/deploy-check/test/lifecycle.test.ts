import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_CONTRACT } from '../src/app-contract.js';
import { resolveEnv } from '../src/checks/env.js';
import { checkProbes, checkShutdownBudget, checkZoneSpread } from '../src/checks/lifecycle.js';
import { checkPodSecurity } from '../src/checks/security.js';
import type { KubeObject } from '../src/model.js';
import { deployment, rendered } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

const canaryFor = (name: string) =>
  rendered({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name, namespace: 'app' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name } },
  });

const configMap = (name: string, data: Record<string, string>) =>
  rendered({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data });

/** The first container of a helper Deployment, to edit in place. */
function container(d: KubeObject): Record<string, unknown> {
  const spec = d.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
  const c = spec.template.spec.containers[0];
  if (c === undefined) throw new Error('no container');
  return c;
}

describe('the app contract', () => {
  it("matches the app's own defaults in app/src/config.ts", async () => {
    const config = await readFile(join(here, '..', '..', '..', 'app', 'src', 'config.ts'), 'utf8');
    for (const { variable, defaultMs } of [
      APP_CONTRACT.shutdownDelay,
      APP_CONTRACT.shutdownTimeout,
    ]) {
      expect(config).toContain(`read(env, '${variable}', '${defaultMs}')`);
    }
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
    const secret = { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'X' } } }] };
    expect(resolveEnv(secret, 'X', cms, 'app')).toEqual({
      value: undefined,
      source: 'env valueFrom secretKeyRef',
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

  it('leaves workloads without a Canary alone', () => {
    expect(checkShutdownBudget([rendered(app(1))])).toEqual([]);
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

  it('accepts an explicit opt-in with a dedicated account only', () => {
    expect(
      tokenFindings({ automountServiceAccountToken: true, serviceAccountName: 'ctl' }),
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
