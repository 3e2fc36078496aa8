import type { RenderedObject } from '../model.js';
import { get, isRecord, type Json } from '../object-access.js';

/** A pod spec inside a workload, with the dotted path to it (for findings). */
export interface PodTemplate {
  readonly owner: RenderedObject;
  /** e.g. `spec.template` (Deployment) or `spec.jobTemplate.spec.template` (CronJob). */
  readonly path: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: Json;
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Pod templates of the workloads among `objects` (bare Pods count too, with path ''). Pure. */
export function podTemplates(objects: readonly RenderedObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const owner of objects) {
    if (owner.kind === 'Pod') {
      const spec = get(owner.object, 'spec');
      if (isRecord(spec)) {
        out.push({
          owner,
          path: '',
          labels: labelsOf(get(owner.object, 'metadata', 'labels')),
          spec,
        });
      }
      continue;
    }
    const path = TEMPLATE_PATHS[owner.kind];
    if (path === undefined) continue;
    const template = get(owner.object, ...path);
    const spec = get(template, 'spec');
    if (!isRecord(spec)) continue;
    out.push({
      owner,
      path: path.join('.'),
      labels: labelsOf(get(template, 'metadata', 'labels')),
      spec,
    });
  }
  return out;
}

function labelsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v))
    for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Dotted prefix helper: `join('spec.template', 'spec')` → `spec.template.spec`. */
export function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('.');
}

/** All containers of a pod spec (init containers included), with their dotted path. */
export function containersOf(t: PodTemplate): { path: string; container: Json }[] {
  const out: { path: string; container: Json }[] = [];
  for (const list of ['initContainers', 'containers']) {
    const cs = t.spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c, i) => {
      if (isRecord(c)) out.push({ path: join(t.path, 'spec', `${list}[${i}]`), container: c });
    });
  }
  return out;
}

/** Kubernetes label selector semantics for `matchLabels` + `matchExpressions`. Pure. */
export function selectorMatches(
  selector: unknown,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (Object.keys(matchLabels).length === 0 && exprs.length === 0) return false;
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const key = String(get(e, 'key') ?? '');
    const op = get(e, 'operator');
    const values = (Array.isArray(get(e, 'values')) ? (get(e, 'values') as unknown[]) : []).map(
      String,
    );
    const has = Object.hasOwn(labels, key);
    if (op === 'In' && !(has && values.includes(labels[key] ?? ''))) return false;
    if (op === 'NotIn' && has && values.includes(labels[key] ?? '')) return false;
    if (op === 'Exists' && !has) return false;
    if (op === 'DoesNotExist' && has) return false;
  }
  return true;
}
