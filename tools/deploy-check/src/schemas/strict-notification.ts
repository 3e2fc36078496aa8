import type {
  IAlert,
  IProvider,
} from '@kubernetes-models/flux-cd/notification.toolkit.fluxcd.io/v1beta3';
import { type Field, type Item, list, resource, strict } from './strict.js';
import { objectMeta } from './strict-shapes.js';

/**
 * Strict key lists of Flux's notification-controller objects (notification.toolkit.fluxcd.io/v1beta3
 * Provider and Alert), typed against @kubernetes-models/flux-cd like the other shapes. Fields newer
 * than that package are added from fluxcd/notification-controller api/v1beta3/provider_types.go
 * (proxySecretRef, serviceAccountName, commitStatusExpr).
 */

type PSpec = Field<IProvider, 'spec'>;
type ASpec = Field<IAlert, 'spec'>;

export const FLUX_PROVIDER = resource<IProvider>('Provider', objectMeta, {
  spec: strict<PSpec>(
    'ProviderSpec',
    {
      address: true,
      certSecretRef: strict<Field<PSpec, 'certSecretRef'>>('LocalObjectReference', { name: true }),
      channel: true,
      interval: true,
      proxy: true,
      secretRef: strict<Field<PSpec, 'secretRef'>>('LocalObjectReference', { name: true }),
      suspend: true,
      timeout: true,
      type: true,
      username: true,
    },
    { proxySecretRef: true, serviceAccountName: true, commitStatusExpr: true },
  ),
});

export const FLUX_ALERT = resource<IAlert>('Alert', objectMeta, {
  spec: strict<ASpec>('AlertSpec', {
    eventMetadata: true,
    eventSeverity: true,
    eventSources: list(
      strict<Item<ASpec, 'eventSources'>>('CrossNamespaceObjectReference', {
        apiVersion: true,
        kind: true,
        matchLabels: true,
        name: true,
        namespace: true,
      }),
    ),
    exclusionList: true,
    inclusionList: true,
    providerRef: strict<Field<ASpec, 'providerRef'>>('LocalObjectReference', { name: true }),
    summary: true,
    suspend: true,
  }),
});
