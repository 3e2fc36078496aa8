import { describe, expect, it } from 'vitest';
import { checkSchema, checkUnknownFields } from '../src/checks/schema.js';
import { canarySchema, FLAGGER_PROVIDERS } from '../src/schemas/flagger.js';
import { list, type Shape, unknownFields } from '../src/schemas/strict.js';
import { deployment, firstContainer, fluxKustomization, rendered } from './helpers.js';

describe('unknownFields', () => {
  const inner: Shape = { name: 'Inner', keys: { a: true } };
  const shape: Shape = { name: 'Outer', keys: { x: true, inner, items: list(inner) } };

  it('walks objects and lists, names the path, the shape and a near key', () => {
    expect(
      unknownFields({ x: 1, inner: { a: 1, A: 2 }, items: [{ a: 1 }, { b: 2 }], extra: {} }, shape),
    ).toEqual([
      { field: 'inner.A', key: 'A', shape: 'Inner', suggestion: 'a' },
      { field: 'items[1].b', key: 'b', shape: 'Inner', suggestion: 'a' },
      { field: 'extra', key: 'extra', shape: 'Outer', suggestion: undefined },
    ]);
  });

  it('does not look inside values marked true (free-form maps, scalars)', () => {
    expect(unknownFields({ x: { anything: 1 } }, shape)).toEqual([]);
  });
});

describe('checkUnknownFields', () => {
  it("accepts the test helper's hardened Deployment and finds a typo deep in it", () => {
    const d = deployment();
    expect(checkUnknownFields(rendered(d))).toEqual([]);
    const c = firstContainer(d);
    c.resources = { requests: { cpu: '1' }, limit: { memory: '1Gi' } };
    expect(checkUnknownFields(rendered(d))).toEqual([
      expect.objectContaining({
        field: 'spec.template.spec.containers[0].resources.limit',
        message:
          'unknown field "limit" (not in ResourceRequirements of apps/v1 Deployment; did you mean "limits"?)',
      }),
    ]);
  });

  it('knows the Flux Kustomization fields newer than the generated types', () => {
    const k = rendered(
      fluxKustomization('k', {
        interval: '1m',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        deletionPolicy: 'Delete',
        namePrefix: 'p-',
        dependsOn: [{ name: 'a', readyExpr: 'true' }],
        postbuild: {},
      }),
    );
    expect(checkUnknownFields(k).map((f) => [f.field, f.message])).toEqual([
      [
        'spec.postbuild',
        'unknown field "postbuild" (not in KustomizationSpec of kustomize.toolkit.fluxcd.io/v1 Kustomization; did you mean "postBuild"?)',
      ],
    ]);
  });
});

describe('Flagger provider', () => {
  it('is one of the documented providers', () => {
    const spec = canarySchema.shape.spec.shape.provider;
    expect(spec.safeParse('gatewayapi:v1').success).toBe(true);
    expect(spec.safeParse('gateway-api').success).toBe(false);
    // Plain gatewayapi falls through to Flagger's Istio router (pkg/router/factory.go).
    expect(spec.safeParse('gatewayapi').success).toBe(false);
    expect(spec.safeParse('gatewayapi:v1beta1').success).toBe(true);
    expect(spec.safeParse('smi:v1alpha3:linkerd').success).toBe(true);
    expect(spec.safeParse('smi:v1alpha2').success).toBe(true);
    expect(spec.safeParse('smi:v1alpha4:linkerd').success).toBe(false);
    expect(FLAGGER_PROVIDERS).toContain('kubernetes');
  });
});

describe('the new kinds are strict (notifications, AlertProvider, Canary alerts)', () => {
  it('reports misspelt Provider and Alert fields with a suggestion', async () => {
    const provider = rendered({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: 'p', namespace: 'flux-system' },
      spec: { type: 'github', adress: 'https://github.com/o/r', secretRef: { name: 's' } },
    });
    expect((await checkSchema(provider)).map((f) => `${f.field}: ${f.message}`)).toEqual([
      'spec.adress: unknown field "adress" (not in ProviderSpec of notification.toolkit.fluxcd.io/v1beta3 Provider; did you mean "address"?)',
    ]);
    const alert = rendered({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'a', namespace: 'flux-system' },
      spec: {
        providerRef: { name: 'p' },
        eventSources: [{ kind: 'Kustomization', name: '*', namespce: 'x' }],
      },
    });
    expect((await checkSchema(alert)).map((f) => f.field)).toEqual([
      'spec.eventSources[0].namespce',
    ]);
  });

  it('reports an AlertProvider of a type Flagger cannot send and a typo in Canary alerts', async () => {
    const ap = rendered({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'AlertProvider',
      metadata: { name: 'on-call', namespace: 'app' },
      spec: { type: 'generic', secretRef: { name: 's' } },
    });
    expect((await checkSchema(ap)).map((f) => f.field)).toEqual(['spec.type']);
    const c = canarySchema.safeParse({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'c' },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'c' },
        service: { port: 80 },
        analysis: {
          interval: '1m',
          threshold: 1,
          iterations: 1,
          alerts: [{ name: 'a', severity: 'warning', providerRef: { name: 'p' } }],
        },
      },
    });
    expect(c.success).toBe(false);
    expect(c.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'spec.analysis.alerts.0.severity',
    ]);
  });
});
