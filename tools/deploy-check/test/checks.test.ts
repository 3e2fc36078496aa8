import { describe, expect, it } from 'vitest';
import { checkAutoscalers, checkCanaries } from '../src/checks/canary.js';
import { checkConfigMapRefs } from '../src/checks/config-refs.js';
import { checkDependsOn, checkNamespaceOrder } from '../src/checks/depends-on.js';
import { checkImagesPinned } from '../src/checks/images.js';
import { selectorMatches } from '../src/checks/pods.js';
import { checkProbePorts } from '../src/checks/ports.js';
import { checkSchema, modelModuleFor, pointerToField } from '../src/checks/schema.js';
import { checkPodSecurity } from '../src/checks/security.js';
import { checkSelectors } from '../src/checks/selectors.js';
import type { FluxKustomization } from '../src/flux.js';
import { deployment, firstContainer, fluxKustomization, rendered } from './helpers.js';

const canary = (spec: Record<string, unknown> = {}) =>
  rendered(
    {
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'web', namespace: 'app' },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        autoscalerRef: {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          name: 'web',
        },
        service: { port: 80, targetPort: 'http' },
        analysis: {
          interval: '1m',
          threshold: 5,
          maxWeight: 50,
          stepWeight: 10,
          metrics: [
            { name: 'errors', templateRef: { name: 'errors' }, thresholdRange: { max: 1 } },
          ],
        },
        ...spec,
      },
    },
    'deploy/canary.yaml',
  );
const hpa = (target: string) =>
  rendered({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'app' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      maxReplicas: 3,
    },
  });
const template = rendered({
  apiVersion: 'flagger.app/v1beta1',
  kind: 'MetricTemplate',
  metadata: { name: 'errors', namespace: 'app' },
  spec: { provider: { type: 'prometheus', address: 'http://prom:9090' }, query: 'up' },
});

describe('checkCanaries', () => {
  it('accepts a Canary whose Deployment, HPA, MetricTemplate and port exist', () => {
    expect(checkCanaries([canary(), rendered(deployment()), hpa('web'), template])).toEqual([]);
  });

  it('names each missing reference with its field', () => {
    const findings = checkCanaries([
      canary({ service: { port: 80, targetPort: 'grpc' } }),
      rendered(deployment()),
    ]);
    expect(findings.map((f) => [f.field, f.message])).toEqual([
      ['spec.autoscalerRef.name', 'HorizontalPodAutoscaler "web" not found in namespace app'],
      [
        'spec.analysis.metrics[0].templateRef',
        'MetricTemplate "errors" not found in namespace app',
      ],
      ['spec.service.targetPort', 'Deployment "web" has no container port named "grpc"'],
    ]);
    expect(findings[0]?.file).toBe('deploy/canary.yaml');
  });

  it('does not find a Deployment of the same name in another namespace', () => {
    const findings = checkCanaries([
      canary(),
      rendered(deployment('web', 'other')),
      hpa('web'),
      template,
    ]);
    expect(findings.map((f) => f.field)).toContain('spec.targetRef.name');
  });

  it('rejects a hand-written Service that Flagger would generate', () => {
    const svc = rendered({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web-primary', namespace: 'app' },
    });
    const findings = checkCanaries([canary(), rendered(deployment()), hpa('web'), template, svc]);
    expect(findings).toMatchObject([
      { kind: 'Service', name: 'web-primary', field: 'metadata.name' },
    ]);
  });
});

describe('checkAutoscalers', () => {
  it('requires the scale target to exist', () => {
    expect(checkAutoscalers([hpa('web'), rendered(deployment())])).toEqual([]);
    expect(checkAutoscalers([hpa('gone'), rendered(deployment())])).toMatchObject([
      { field: 'spec.scaleTargetRef', message: 'Deployment "gone" not found in namespace app' },
    ]);
  });

  it('rejects minReplicas above maxReplicas', () => {
    const h = hpa('web');
    Object.assign(h.object.spec as object, { minReplicas: 5 });
    expect(checkAutoscalers([h, rendered(deployment())])).toMatchObject([
      { field: 'spec.minReplicas', message: '5 is greater than maxReplicas 3' },
    ]);
  });
});

describe('selectors', () => {
  it('implements matchLabels and matchExpressions', () => {
    const labels = { app: 'web', tier: 'web' };
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(
      selectorMatches(
        { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
        labels,
      ),
    ).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, labels),
    ).toBe(true);
    expect(selectorMatches({}, labels)).toBe(false);
  });

  it('reports PDBs and Services that select no pods, and a Deployment selector not matching its template', () => {
    const pdb = rendered({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'app' },
      spec: { selector: { matchLabels: { app: 'wbe' } } },
    });
    const svc = rendered({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ok', namespace: 'app' },
      spec: { selector: { tier: 'web' } },
    });
    const broken = deployment('api');
    (broken.spec as { selector: unknown }).selector = { matchLabels: { app: 'other' } };
    const findings = checkSelectors([pdb, svc, rendered(deployment()), rendered(broken)]);
    expect(findings.map((f) => `${f.kind}/${f.name} ${f.field}`)).toEqual([
      'PodDisruptionBudget/web spec.selector',
      'Deployment/api spec.selector',
    ]);
  });
});

describe('checkConfigMapRefs', () => {
  const withRefs = deployment('web', 'app', {
    volumes: [{ name: 'cfg', configMap: { name: 'files' } }],
  });
  const container = firstContainer(withRefs);
  container.envFrom = [
    { configMapRef: { name: 'settings' } },
    { configMapRef: { name: 'maybe', optional: true } },
  ];
  container.env = [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'settings', key: 'K' } } }];
  const cm = (name: string, data: Record<string, string>) =>
    rendered({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data });

  it('accepts existing ConfigMaps and keys and skips optional ones', () => {
    expect(
      checkConfigMapRefs([rendered(withRefs), cm('settings', { K: 'v' }), cm('files', {})]),
    ).toEqual([]);
  });

  it('reports missing ConfigMaps and keys with the referencing field', () => {
    expect(
      checkConfigMapRefs([rendered(withRefs), cm('settings', {})]).map((f) => f.field),
    ).toEqual([
      'spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef',
      'spec.template.spec.volumes[0].configMap.name',
    ]);
  });
});

describe('checkPodSecurity', () => {
  it('accepts the hardened pod', () => {
    expect(checkPodSecurity([rendered(deployment())])).toEqual([]);
  });

  it('accepts pod-level settings given per container instead', () => {
    const d = deployment('web', 'app', { securityContext: {} });
    Object.assign(firstContainer(d).securityContext as Record<string, unknown>, {
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(checkPodSecurity([rendered(d)])).toEqual([]);
  });

  it('rejects root and a missing seccomp profile', () => {
    const d = deployment('web', 'app', { securityContext: { runAsNonRoot: true, runAsUser: 0 } });
    expect(checkPodSecurity([rendered(d)]).map((f) => f.field)).toEqual([
      'spec.template.spec.securityContext.runAsUser',
      'spec.template.spec.securityContext.seccompProfile.type',
    ]);
  });
});

describe('checkImagesPinned', () => {
  it('accepts digests and rejects tags', () => {
    expect(checkImagesPinned([rendered(deployment())])).toEqual([]);
    const d = deployment();
    firstContainer(d).image = 'registry.example.com/web:latest';
    expect(checkImagesPinned([rendered(d)])).toMatchObject([
      { check: 'image-digest', field: 'spec.template.spec.containers[0].image' },
    ]);
  });
});

describe('checkDependsOn', () => {
  const k = (name: string, deps: string[]): FluxKustomization => ({
    file: `deploy/clusters/x/${name}.yaml`,
    name,
    namespace: 'flux-system',
    path: './x',
    targetNamespace: undefined,
    hasPostBuild: false,
    substitute: {},
    substituteFrom: [],
    dependsOn: deps.map((d) => ({ name: d, namespace: 'flux-system' })),
  });

  it('accepts known targets including the bootstrap flux-system', () => {
    expect(checkDependsOn([k('apps', ['infra', 'flux-system']), k('infra', [])])).toEqual([]);
  });

  it('reports unknown targets and cycles', () => {
    expect(checkDependsOn([k('apps', ['infra'])])).toMatchObject([
      { file: 'deploy/clusters/x/apps.yaml', field: 'spec.dependsOn[0]' },
    ]);
    const cyc = checkDependsOn([k('a', ['b']), k('b', ['a'])]);
    expect(cyc[0]?.message).toBe(
      'dependency cycle: flux-system/a -> flux-system/b -> flux-system/a',
    );
  });

  it('needs a Kustomization applying into a namespace another one creates to depend on it', () => {
    const by = (appliedBy: string, obj: Parameters<typeof rendered>[0]) => ({
      ...rendered(obj, `deploy/apps/${appliedBy}.yaml`),
      appliedBy: `flux-system/${appliedBy}`,
    });
    const ns = by('base', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
    const role = (owner: string, namespace: string) =>
      by(owner, { kind: 'Role', metadata: { name: owner, namespace } });
    const ks = [k('base', []), k('mid', ['base']), k('top', ['mid']), k('loose', [])];
    const objects = [
      ns,
      role('base', 'app'), // its own namespace
      role('top', 'app'), // depends on base through mid
      role('loose', 'app'), // no dependsOn: reported once
      role('loose', 'app'),
      role('loose', 'kube-system'), // nobody here creates it
    ];
    expect(checkNamespaceOrder(ks, objects)).toEqual([
      {
        check: 'namespace-order',
        file: 'deploy/clusters/x/loose.yaml',
        kind: 'Kustomization',
        name: 'loose',
        field: 'spec.dependsOn',
        message:
          'applies Role/loose (deploy/apps/loose.yaml) into namespace app, which Kustomization flux-system/base creates, but does not depend on it: add {name: base} to dependsOn',
      },
    ]);
  });
});

describe('checkSchema', () => {
  it('maps apiVersions to the model packages', () => {
    expect(modelModuleFor('v1')).toBe('kubernetes-models/v1');
    expect(modelModuleFor('apps/v1')).toBe('kubernetes-models/apps/v1');
    expect(modelModuleFor('networking.k8s.io/v1')).toBe('kubernetes-models/networking.k8s.io/v1');
    expect(modelModuleFor('kustomize.toolkit.fluxcd.io/v1')).toBe(
      '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1',
    );
    expect(modelModuleFor('example.com/v1')).toBeUndefined();
    expect(pointerToField('/spec/containers/0/ports/1/name')).toBe(
      'spec.containers[0].ports[1].name',
    );
  });

  it('validates core objects with kubernetes-models', async () => {
    expect(await checkSchema(rendered(deployment()))).toEqual([]);
    const bad = rendered({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { minReplicas: '3' },
    });
    const findings = await checkSchema(bad);
    expect(findings.map((f) => f.field)).toEqual(
      expect.arrayContaining(['spec', 'spec.minReplicas']),
    );
  });

  it('accepts kubeConfig.configMapRef without secretRef (kustomize-controller v1, Flux 2.7)', async () => {
    const withKubeConfig = (kubeConfig: Record<string, unknown>) =>
      rendered(
        fluxKustomization('remote', {
          interval: '10m',
          prune: true,
          sourceRef: { kind: 'GitRepository', name: 'flux-system' },
          kubeConfig,
        }),
      );
    expect(await checkSchema(withKubeConfig({ configMapRef: { name: 'cluster' } }))).toEqual([]);
    expect(await checkSchema(withKubeConfig({ secretRef: { name: 'kubeconfig' } }))).toEqual([]);
    // Neither: still the generated schema's error.
    expect((await checkSchema(withKubeConfig({}))).map((f) => [f.field, f.message])).toEqual([
      ['spec.kubeConfig', 'must have required property secretRef'],
    ]);
  });

  it('validates Flux Kustomizations with @kubernetes-models/flux-cd', async () => {
    const k = rendered(
      fluxKustomization('apps', {
        interval: '10m',
        prune: 'yes',
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      }),
    );
    expect((await checkSchema(k)).map((f) => f.field)).toEqual(['spec.prune']);
  });

  it('validates Flagger objects strictly, naming unknown fields', async () => {
    expect(await checkSchema(canary())).toEqual([]);
    expect(await checkSchema(template)).toEqual([]);
    const typo = canary({
      analysis: { interval: '1 minute', threshold: 5, iterations: 3, mirror: true },
    });
    const findings = await checkSchema(typo);
    expect(findings.map((f) => [f.field, f.message])).toEqual(
      expect.arrayContaining([
        ['spec.analysis', 'unknown field(s) mirror (not in the Flagger Canary schema)'],
        ['spec.analysis.interval', 'must be a Go duration such as 30s, 1m or 1h30m'],
      ]),
    );
  });

  it('reports kinds it has no schema for', async () => {
    const x = rendered({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(await checkSchema(x)).toMatchObject([
      { field: 'apiVersion', message: 'no schema known for example.com/v1 Widget' },
    ]);
  });
});

describe('checkProbePorts', () => {
  it('accepts probes on a named container port and rejects an unknown name', () => {
    const d = deployment();
    const c = firstContainer(d);
    c.readinessProbe = { httpGet: { path: '/readyz', port: 'http' } };
    expect(checkProbePorts([rendered(d)])).toEqual([]);
    c.livenessProbe = { httpGet: { path: '/healthz', port: 'htp' } };
    c.startupProbe = { tcpSocket: { port: 8080 } };
    expect(checkProbePorts([rendered(d)])).toMatchObject([
      {
        field: 'spec.template.spec.containers[0].livenessProbe.httpGet.port',
        message: 'names port "htp" but the container\'s ports are [http]',
      },
    ]);
  });
});
