import { describe, expect, it } from 'vitest';
import { checkUnknownFields } from '../src/checks/schema.js';
import { canarySchema, FLAGGER_PROVIDERS } from '../src/schemas/flagger.js';
import { list, type Shape, unknownFields } from '../src/schemas/strict.js';
import { deployment, rendered } from './helpers.js';

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
    const spec = d.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
    const c = spec.template.spec.containers[0] ?? {};
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
    const k = rendered({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'k', namespace: 'flux-system' },
      spec: {
        interval: '1m',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        deletionPolicy: 'Delete',
        namePrefix: 'p-',
        dependsOn: [{ name: 'a', readyExpr: 'true' }],
        postbuild: {},
      },
    });
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
