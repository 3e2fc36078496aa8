import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { get, str } from '../object-access.js';
import { FLAGGER_SCHEMAS } from '../schemas/flagger.js';
import { type Shape, unknownFields } from '../schemas/strict.js';
import {
  VALIDATING_ADMISSION_POLICY,
  VALIDATING_ADMISSION_POLICY_BINDING,
} from '../schemas/strict-admission.js';
import { FLUX_ALERT, FLUX_PROVIDER } from '../schemas/strict-notification.js';
import {
  CONFIG_MAP,
  DEPLOYMENT,
  FLUX_KUSTOMIZATION,
  HORIZONTAL_POD_AUTOSCALER,
  NAMESPACE,
  POD_DISRUPTION_BUDGET,
  SERVICE,
} from '../schemas/strict-shapes.js';

/**
 * Kinds whose unknown keys are errors on top of the generated schema (which ignores them): see
 * schemas/strict-shapes.ts for how far down each shape goes.
 */
const STRICT_SHAPES: ReadonlyMap<string, Shape> = new Map([
  ['apps/v1/Deployment', DEPLOYMENT],
  ['autoscaling/v2/HorizontalPodAutoscaler', HORIZONTAL_POD_AUTOSCALER],
  ['policy/v1/PodDisruptionBudget', POD_DISRUPTION_BUDGET],
  ['v1/Service', SERVICE],
  ['v1/Namespace', NAMESPACE],
  ['v1/ConfigMap', CONFIG_MAP],
  ['kustomize.toolkit.fluxcd.io/v1/Kustomization', FLUX_KUSTOMIZATION],
  ['admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', VALIDATING_ADMISSION_POLICY],
  [
    'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
    VALIDATING_ADMISSION_POLICY_BINDING,
  ],
  ['notification.toolkit.fluxcd.io/v1beta3/Provider', FLUX_PROVIDER],
  ['notification.toolkit.fluxcd.io/v1beta3/Alert', FLUX_ALERT],
]);

/** Unknown keys of `obj` by its strict shape, if it has one. Pure. */
export function checkUnknownFields(obj: RenderedObject): Finding[] {
  const apiVersion = str(get(obj.object, 'apiVersion')) ?? '';
  const shape = STRICT_SHAPES.get(`${apiVersion}/${obj.kind}`);
  if (shape === undefined) return [];
  return unknownFields(obj.object, shape).map((u) =>
    findingFor(
      'schema',
      obj,
      u.field,
      `unknown field "${u.key}" (not in ${u.shape} of ${apiVersion} ${obj.kind}${u.suggestion === undefined ? '' : `; did you mean "${u.suggestion}"?`})`,
    ),
  );
}

/** A kubernetes-models class: construct with the object, `validate()` throws with ajv `errors`. */
interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * Which module holds the generated model classes of an apiVersion: core Kubernetes from
 * `kubernetes-models`, Flux from `@kubernetes-models/flux-cd`. Pure.
 */
export function modelModuleFor(apiVersion: string): string | undefined {
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) return undefined;
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
  if (group.endsWith('.fluxcd.io')) return `@kubernetes-models/flux-cd/${apiVersion}`;
  if (group === '' || !group.includes('.') || group.endsWith('.k8s.io')) {
    return `kubernetes-models/${apiVersion}`;
  }
  return undefined;
}

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const specifier = modelModuleFor(apiVersion);
  if (specifier === undefined) return undefined;
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    const cls = mod[kind];
    return typeof cls === 'function' ? (cls as ModelClass) : undefined;
  } catch {
    return undefined;
  }
}

export interface AjvError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/spec/template/0/x` → `spec.template[0].x`. */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}

function pathToField(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) =>
      typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? String(p) : `${acc}.${String(p)}`,
    '',
  );
}

/**
 * Errors of a generated schema that are wrong for the API version the cluster runs: the model
 * packages lag behind. kustomize-controller v1 (Flux 2.7) made `spec.kubeConfig.secretRef` optional
 * and added `configMapRef` (the CRD's kubeConfig now documents "SecretRef holds an optional name…"
 * and "ConfigMapRef holds an optional name of a ConfigMap…"), but @kubernetes-models/flux-cd 2.3.4
 * still requires secretRef. Pure.
 */
export function isOutdatedSchemaError(
  apiVersion: string,
  kind: string,
  object: unknown,
  err: AjvError,
): boolean {
  return (
    apiVersion === 'kustomize.toolkit.fluxcd.io/v1' &&
    kind === 'Kustomization' &&
    err.instancePath === '/spec/kubeConfig' &&
    err.params?.missingProperty === 'secretRef' &&
    get(object, 'spec', 'kubeConfig', 'configMapRef') !== undefined
  );
}

/** Validates one object against its schema; objects of unknown kinds are findings too. */
export async function checkSchema(obj: RenderedObject): Promise<Finding[]> {
  const apiVersion = str(get(obj.object, 'apiVersion')) ?? '';
  const kind = obj.kind;
  if (apiVersion === '' || kind === '') {
    return [findingFor('schema', obj, '', 'has no apiVersion or kind')];
  }
  const zodSchema = FLAGGER_SCHEMAS.get(`${apiVersion}/${kind}`);
  if (zodSchema !== undefined) {
    const r = zodSchema.safeParse(obj.object);
    if (r.success) return [];
    return r.error.issues.map((i) => {
      const keys = i.code === 'unrecognized_keys' ? i.keys : [];
      const field = pathToField(i.path);
      if (keys.length > 0) {
        return findingFor(
          'schema',
          obj,
          field,
          `unknown field(s) ${keys.join(', ')} (not in the Flagger ${kind} schema)`,
        );
      }
      return findingFor('schema', obj, field, i.message);
    });
  }
  const model = await loadModel(apiVersion, kind);
  if (model === undefined) {
    return [findingFor('schema', obj, 'apiVersion', `no schema known for ${apiVersion} ${kind}`)];
  }
  const unknown = checkUnknownFields(obj);
  try {
    new model(obj.object).validate();
    return unknown;
  } catch (e) {
    const errors = (e as { errors?: AjvError[] }).errors?.filter(
      (err) => !isOutdatedSchemaError(apiVersion, kind, obj.object, err),
    );
    if (Array.isArray(errors) && errors.length === 0) return unknown;
    if (!Array.isArray(errors) || errors.length === 0) {
      return [
        findingFor('schema', obj, '', e instanceof Error ? e.message : String(e)),
        ...unknown,
      ];
    }
    return [
      ...unknown,
      ...errors.map((err) => {
        const extra = err.params?.additionalProperty;
        const field = pointerToField(err.instancePath ?? '');
        const msg =
          typeof extra === 'string' ? `unknown field ${extra}` : (err.message ?? 'invalid');
        return findingFor('schema', obj, field, msg);
      }),
    ];
  }
}
