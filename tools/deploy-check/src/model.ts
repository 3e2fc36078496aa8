/**
 * Shared data shapes. Rule: every `file` is a path relative to the repository root (the folder Flux's
 * GitRepository points at), with forward slashes, e.g. `deploy/apps/base/demo-app/deployment.yaml`.
 */

/** A parsed Kubernetes object; only the envelope is typed, the rest is checked by the schemas. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: unknown;
};

/** An object as it would be applied to a cluster, with where it came from. */
export interface RenderedObject {
  readonly object: KubeObject;
  readonly kind: string;
  readonly name: string;
  /** Namespace after rendering; '' for cluster-scoped objects or when none is set. */
  readonly namespace: string;
  /** Source file relative to the repository root (best effort, see source-index.ts). */
  readonly file: string;
  /**
   * The Flux Kustomization that applies it, as `namespace/name`; undefined for the objects of the
   * cluster folder itself (applied by the bootstrap Kustomization).
   */
  readonly appliedBy?: string;
}

/** One problem found in the manifests. */
export interface Finding {
  /** Short id of the check that produced it, e.g. `schema`, `canary-refs`. */
  readonly check: string;
  /** File relative to the repository root, see the rule above. */
  readonly file: string;
  /** '' (with name '') when no object could be read, e.g. a YAML syntax error. */
  readonly kind: string;
  readonly name: string;
  /** Dotted path of the offending field, e.g. `spec.targetRef.name`; '' for the whole object; `line L, column C` for YAML syntax. */
  readonly field: string;
  readonly message: string;
}

export function formatFinding(f: Finding): string {
  const where = f.field === '' ? '' : ` ${f.field}:`;
  const what = f.kind === '' && f.name === '' ? '' : ` ${f.kind}/${f.name}`;
  return `${f.file}:${what}${where} ${f.message} [${f.check}]`;
}

/** Builds a finding about a rendered object. */
export function findingFor(
  check: string,
  obj: RenderedObject,
  field: string,
  message: string,
): Finding {
  return { check, file: obj.file, kind: obj.kind, name: obj.name, field, message };
}
