import { z } from 'zod';

/**
 * Strict schemas of the Flagger fields this repository uses (flagger.app/v1beta1, from Flagger's
 * API reference: docs.flagger.app/usage/how-it-works, /usage/metrics, /usage/webhooks and the
 * gatewayapi tutorial). Unknown fields are errors: a typo such as `tresholdRange` must not be
 * silently ignored by the cluster. Extend the schema when a new Flagger field is really used.
 */

const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a Go duration such as 30s, 1m or 1h30m');
const name = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 name');

const objectMeta = z
  .object({
    name,
    namespace: name.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();

const crossRef = (kinds: [string, ...string[]]) =>
  z.strictObject({ apiVersion: z.string(), kind: z.enum(kinds), name });

const gatewayRef = z.strictObject({
  name,
  namespace: name.optional(),
  group: z.string().optional(),
  kind: z.string().optional(),
  sectionName: z.string().optional(),
  port: z.number().int().optional(),
});

const service = z.strictObject({
  name: name.optional(),
  port: z.number().int().min(1).max(65535),
  targetPort: z.union([z.number().int().min(1).max(65535), z.string().min(1)]).optional(),
  portName: z.string().optional(),
  portDiscovery: z.boolean().optional(),
  appProtocol: z.string().optional(),
  hosts: z.array(z.string()).optional(),
  gatewayRefs: z.array(gatewayRef).optional(),
  timeout: duration.optional(),
});

/** Flagger's built-in metrics need no template; every other metric must name one. */
const BUILTIN_METRICS = ['request-success-rate', 'request-duration'];

const metric = z
  .strictObject({
    name: z.string().min(1),
    templateRef: z.strictObject({ name, namespace: name.optional() }).optional(),
    thresholdRange: z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine((r) => r.min !== undefined || r.max !== undefined, 'needs min or max'),
    interval: duration.optional(),
    templateVariables: z.record(z.string(), z.string()).optional(),
  })
  .refine((m) => m.templateRef !== undefined || BUILTIN_METRICS.includes(m.name), {
    message: `needs templateRef unless it is a built-in metric (${BUILTIN_METRICS.join(', ')})`,
    path: ['templateRef'],
  });

const webhook = z.strictObject({
  name: z.string().min(1),
  type: z.enum([
    'confirm-rollout',
    'pre-rollout',
    'rollout',
    'confirm-traffic-increase',
    'confirm-promotion',
    'post-rollout',
    'rollback',
    'event',
  ]),
  url: z.url(),
  timeout: duration.optional(),
  muteAlert: z.boolean().optional(),
  retries: z.number().int().min(0).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

/** `analysis.alerts[]`: Flagger's CanaryAlert (pkg/apis/flagger/v1beta1/canary.go, v1.41.0). */
const alert = z.strictObject({
  name: z.string().min(1),
  severity: z.enum(['info', 'warn', 'error']).optional(),
  providerRef: z.strictObject({ name, namespace: name.optional() }),
});

const analysis = z
  .strictObject({
    interval: duration,
    threshold: z.number().int().min(1),
    iterations: z.number().int().min(1).optional(),
    maxWeight: z.number().int().min(1).max(100).optional(),
    stepWeight: z.number().int().min(1).max(100).optional(),
    stepWeights: z.array(z.number().int().min(1).max(100)).optional(),
    stepWeightPromotion: z.number().int().min(1).max(100).optional(),
    primaryReadyThreshold: z.number().int().min(0).max(100).optional(),
    canaryReadyThreshold: z.number().int().min(0).max(100).optional(),
    metrics: z.array(metric).optional(),
    webhooks: z.array(webhook).optional(),
    alerts: z.array(alert).optional(),
  })
  .refine(
    (a) =>
      a.iterations !== undefined ||
      a.stepWeights !== undefined ||
      (a.maxWeight !== undefined && a.stepWeight !== undefined),
    'needs iterations, stepWeights, or maxWeight with stepWeight',
  );

/**
 * Flagger's routing providers (`spec.provider`, or the controller's `-mesh-provider` default), as its
 * router factory (pkg/router/factory.go `MeshRouter`) dispatches them. Plain `gatewayapi` is not
 * one: only the `gatewayapi:v1beta1` / `gatewayapi:v1…` prefixes reach the Gateway API routers, and
 * anything unmatched silently falls through to the Istio router. `gatewayapi:v1` is ours (Contour's
 * Gateway API). SMI takes the mesh after the version: `smi:v1alpha3:<mesh>` (see SMI_PROVIDER).
 */
export const FLAGGER_PROVIDERS = [
  'kubernetes',
  'istio',
  'linkerd',
  'appmesh',
  'appmesh:v1beta2',
  'contour',
  'gloo',
  'nginx',
  'skipper',
  'traefik',
  'apisix',
  'osm',
  'kuma',
  'knative',
  'gatewayapi:v1alpha2',
  'gatewayapi:v1beta1',
  'gatewayapi:v1',
  'smi:v1alpha1',
  'smi:v1alpha2',
  'smi:v1alpha3',
] as const;

/** `smi:v1alpha1`…`smi:v1alpha3`, optionally with the target mesh: `smi:v1alpha3:<mesh>`. */
export const SMI_PROVIDER = /^smi:v1alpha[123](:[a-z0-9][a-z0-9-]*)?$/;

const provider = z
  .string()
  .refine(
    (p) => (FLAGGER_PROVIDERS as readonly string[]).includes(p) || SMI_PROVIDER.test(p),
    `Invalid option: expected one of ${FLAGGER_PROVIDERS.map((p) => JSON.stringify(p)).join('|')} or smi:v1alphaN:<mesh>`,
  );

export const canarySchema = z.strictObject({
  apiVersion: z.literal('flagger.app/v1beta1'),
  kind: z.literal('Canary'),
  metadata: objectMeta,
  spec: z.strictObject({
    provider: provider.optional(),
    targetRef: crossRef(['Deployment', 'DaemonSet']),
    autoscalerRef: crossRef(['HorizontalPodAutoscaler', 'ScaledObject']).optional(),
    progressDeadlineSeconds: z.number().int().min(1).optional(),
    skipAnalysis: z.boolean().optional(),
    revertOnDeletion: z.boolean().optional(),
    suspend: z.boolean().optional(),
    service,
    analysis,
  }),
});

export const metricTemplateSchema = z.strictObject({
  apiVersion: z.literal('flagger.app/v1beta1'),
  kind: z.literal('MetricTemplate'),
  metadata: objectMeta,
  spec: z.strictObject({
    provider: z.strictObject({
      type: z.enum([
        'prometheus',
        'datadog',
        'cloudwatch',
        'newrelic',
        'graphite',
        'stackdriver',
        'influxdb',
        'dynatrace',
        'keptn',
        'splunk',
      ]),
      address: z.url().optional(),
      secretRef: z.strictObject({ name }).optional(),
      insecureSkipVerify: z.boolean().optional(),
    }),
    query: z.string().min(1),
  }),
});

/**
 * AlertProvider (pkg/apis/flagger/v1beta1/alert.go, v1.41.0). `type` is one the notifier factory
 * dispatches (pkg/notifier/factory.go: slack, discord, rocket, msteams, gchat); anything else fails
 * only when an alert is sent. The address comes from `address` or the Secret's `address` key.
 */
export const alertProviderSchema = z.strictObject({
  apiVersion: z.literal('flagger.app/v1beta1'),
  kind: z.literal('AlertProvider'),
  metadata: objectMeta,
  spec: z
    .strictObject({
      type: z.enum(['slack', 'discord', 'rocket', 'msteams', 'gchat']),
      channel: z.string().optional(),
      username: z.string().optional(),
      address: z.url().optional(),
      proxy: z.url().optional(),
      secretRef: z.strictObject({ name }).optional(),
    })
    .refine(
      (s) => s.address !== undefined || s.secretRef !== undefined,
      'needs address or secretRef (a Secret with an address key)',
    ),
});

export type Canary = z.infer<typeof canarySchema>;
export type MetricTemplate = z.infer<typeof metricTemplateSchema>;

/** Schemas by `apiVersion/kind`. */
export const FLAGGER_SCHEMAS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['flagger.app/v1beta1/Canary', canarySchema],
  ['flagger.app/v1beta1/MetricTemplate', metricTemplateSchema],
  ['flagger.app/v1beta1/AlertProvider', alertProviderSchema],
]);
