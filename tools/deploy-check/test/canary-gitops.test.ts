import { describe, expect, it } from 'vitest';
import {
  analysisSeconds,
  checkCanaryGitOps,
  durationSeconds,
} from '../src/checks/canary-gitops.js';
import { checkNotificationRefs } from '../src/checks/notification-refs.js';
import { fluxKustomization, rendered } from './helpers.js';

describe('canary-gitops arithmetic', () => {
  it('reads Go durations', () => {
    expect(durationSeconds('15m')).toBe(900);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('')).toBeUndefined();
    expect(durationSeconds('5 minutes')).toBeUndefined();
  });

  it('estimates one analysis: pre-rollout tick, one per step, promoting and finalising', () => {
    const canary = (analysis: Record<string, unknown>) => ({ spec: { analysis } });
    expect(
      analysisSeconds(canary({ interval: '1m', maxWeight: 50, stepWeight: 10, threshold: 5 })),
    ).toBe(8 * 60);
    expect(
      analysisSeconds(canary({ interval: '30s', stepWeights: [1, 5, 25], threshold: 2 })),
    ).toBe(3 * 60);
    // a long failure threshold dominates
    expect(analysisSeconds(canary({ interval: '1m', iterations: 2, threshold: 10 }))).toBe(11 * 60);
    expect(analysisSeconds(canary({}))).toBeUndefined();
  });
});

describe('notification-refs', () => {
  const alert = (provider: string, source: string) =>
    rendered({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'a', namespace: 'flux-system' },
      spec: {
        providerRef: { name: provider },
        eventSources: [{ kind: 'Kustomization', name: source }],
      },
    });
  const provider = rendered({
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name: 'p', namespace: 'flux-system' },
    spec: { type: 'generic' },
  });
  const apps = rendered(fluxKustomization('apps'));

  it('accepts existing providers and sources, `*` and the bootstrap Kustomization', () => {
    expect(
      checkNotificationRefs([
        alert('p', 'apps'),
        alert('p', '*'),
        alert('p', 'flux-system'),
        provider,
        apps,
      ]),
    ).toEqual([]);
  });

  it('reports a missing Provider and an event source nothing applies', () => {
    expect(
      checkNotificationRefs([alert('gone', 'ap'), provider, apps]).map(
        (f) => `${f.field}: ${f.message}`,
      ),
    ).toEqual([
      'spec.providerRef.name: Provider "gone" not found in namespace flux-system',
      'spec.eventSources[0]: Kustomization flux-system/ap is not applied in this cluster: the Alert would never fire',
    ]);
  });
});

describe('canary-gitops: the pin-time guard of the health expression', () => {
  const canary = (annotations: Record<string, string>) => ({
    ...rendered({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'web', namespace: 'app', annotations },
      spec: {
        targetRef: { name: 'missing' },
        analysis: { interval: '1m', stepWeight: 10, maxWeight: 20, threshold: 2 },
      },
    }),
    appliedBy: 'flux-system/apps',
  });
  const apps = (inProgress: string) =>
    rendered(
      fluxKustomization('apps', {
        wait: true,
        timeout: '15m',
        healthCheckExprs: [
          {
            apiVersion: 'flagger.app/v1beta1',
            kind: 'Canary',
            inProgress,
            failed: "status.phase == 'Failed'",
            current: 'true',
          },
        ],
      }),
    );
  const guard =
    "status.phase in ['Progressing'] || timestamp(status.lastTransitionTime) <= timestamp(metadata.annotations['release.demo-app.dev/pinned-at'])";
  const pinned = { 'release.demo-app.dev/pinned-at': '2026-12-01T00:00:00Z' };

  it('requires the guard when the Canary carries the pin time', () => {
    expect(checkCanaryGitOps([canary(pinned), apps(guard)])).toEqual([]);
    expect(
      checkCanaryGitOps([canary(pinned), apps("status.phase in ['Progressing']")]).map(
        (f) => f.message,
      ),
    ).toEqual([expect.stringMatching(/does not compare status.lastTransitionTime with it/)]);
    expect(checkCanaryGitOps([canary({}), apps("status.phase in ['Progressing']")])).toEqual([]);
  });
});
