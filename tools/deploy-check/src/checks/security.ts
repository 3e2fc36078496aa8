import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, str } from '../object-access.js';
import { find } from './lookup.js';
import { containersOf, join, type PodTemplate, podTemplates } from './pods.js';

const SECCOMP_OK = ['RuntimeDefault', 'Localhost'];

/**
 * Pod hardening, at least Pod Security "restricted" (which the demo-app namespace enforces) plus our
 * own rules: runAsNonRoot with a numeric non-zero runAsUser, seccomp RuntimeDefault/Localhost,
 * per container allowPrivilegeEscalation false, capabilities drop ALL, not privileged,
 * readOnlyRootFilesystem, CPU and memory requests and a memory limit, and no service account token
 * unless the pod opts in (see serviceAccountToken). Pure.
 */
export function checkPodSecurity(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const t of podTemplates(objects)) {
    const podSc = t.spec.securityContext;
    const podPath = join(t.path, 'spec', 'securityContext');
    const fail = (field: string, message: string) =>
      findings.push(findingFor('pod-security', t.owner, field, message));
    const token = serviceAccountToken(t, objects);
    if (token !== undefined) fail(join(t.path, 'spec', 'automountServiceAccountToken'), token);
    for (const p of tokenProblems(t, objects)) fail(p.field, p.message);

    for (const { path, container } of containersOf(t)) {
      const sc = container.securityContext;
      const scPath = `${path}.securityContext`;
      const name = String(container.name ?? '?');
      const either = (key: string) => get(sc, key) ?? get(podSc, key);
      if (either('runAsNonRoot') !== true) {
        fail(`${podPath}.runAsNonRoot`, `must be true (pod or container "${name}")`);
      }
      const uid = either('runAsUser');
      if (typeof uid !== 'number' || uid === 0) {
        fail(`${podPath}.runAsUser`, `must be a non-zero numeric UID (pod or container "${name}")`);
      }
      const seccomp = get(sc, 'seccompProfile', 'type') ?? get(podSc, 'seccompProfile', 'type');
      if (typeof seccomp !== 'string' || !SECCOMP_OK.includes(seccomp)) {
        fail(
          `${podPath}.seccompProfile.type`,
          `must be RuntimeDefault or Localhost (pod or container "${name}")`,
        );
      }
      if (get(sc, 'allowPrivilegeEscalation') !== false) {
        fail(`${scPath}.allowPrivilegeEscalation`, 'must be false');
      }
      if (get(sc, 'privileged') === true) fail(`${scPath}.privileged`, 'must not be true');
      if (!arr(get(sc, 'capabilities', 'drop')).includes('ALL')) {
        fail(`${scPath}.capabilities.drop`, 'must include ALL');
      }
      if (get(sc, 'readOnlyRootFilesystem') !== true) {
        fail(
          `${scPath}.readOnlyRootFilesystem`,
          'must be true (mount an emptyDir where the app writes)',
        );
      }
      for (const [field, what] of [
        ['requests.cpu', 'a CPU request'],
        ['requests.memory', 'a memory request'],
        ['limits.memory', 'a memory limit'],
      ] as const) {
        const [group = '', res = ''] = field.split('.');
        if (get(container, 'resources', group, res) === undefined) {
          fail(`${path}.resources.${field}`, `is missing: every container needs ${what}`);
        }
      }
    }
  }
  return findings;
}

/**
 * The API token is mounted unless the pod spec or its ServiceAccount says
 * `automountServiceAccountToken: false` (the pod's setting wins). A pod that does call the Kubernetes
 * API (the failover controller) opts in explicitly: `automountServiceAccountToken: true` on the pod
 * spec and a dedicated `serviceAccountName`, never the namespace's `default` account. Returns the
 * problem, or undefined when the pod is fine. Pure.
 */
export function serviceAccountToken(
  t: PodTemplate,
  objects: readonly RenderedObject[],
): string | undefined {
  const account = str(t.spec.serviceAccountName) ?? 'default';
  const podSetting = t.spec.automountServiceAccountToken;
  if (podSetting === false) return undefined;
  if (podSetting === true) {
    return account === 'default'
      ? 'is true with the default ServiceAccount: a pod that needs the API token gets its own serviceAccountName'
      : undefined;
  }
  const sa = find(objects, 'ServiceAccount', t.owner.namespace, account);
  if (get(sa?.object, 'automountServiceAccountToken') === false) return undefined;
  return `is not set and ServiceAccount "${account}" does not disable it either, so the API token is mounted: set false (or true, with a dedicated serviceAccountName, if the pod calls the API)`;
}

/**
 * Two ways a token setting goes wrong beyond serviceAccountToken(): a `serviceAccountName` that no
 * rendered object of the cluster defines (the API server refuses to create the pod, so the workload
 * never starts: most likely when opting in to the token with a dedicated account that was never
 * added), and a projected `serviceAccountToken` volume on a pod that claims no token
 * (`automountServiceAccountToken: false` on the pod, or unset and false on its ServiceAccount), which
 * mounts one anyway. Pure.
 */
export function tokenProblems(
  t: PodTemplate,
  objects: readonly RenderedObject[],
): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const ns = t.owner.namespace;
  const account = str(t.spec.serviceAccountName) ?? str(t.spec.serviceAccount) ?? 'default';
  const sa = find(objects, 'ServiceAccount', ns, account);
  if (account !== 'default' && sa === undefined) {
    const optIn =
      t.spec.automountServiceAccountToken === true ? ' (it opts in to the API token)' : '';
    out.push({
      field: join(t.path, 'spec', 'serviceAccountName'),
      message: `ServiceAccount "${account}" is not defined in namespace ${ns} by anything this cluster applies${optIn}: the API server would refuse to create the pods`,
    });
  }
  const podSetting = t.spec.automountServiceAccountToken;
  const noToken =
    podSetting === false ||
    (podSetting === undefined && get(sa?.object, 'automountServiceAccountToken') === false);
  if (!noToken) return out;
  arr(t.spec.volumes).forEach((v, i) => {
    arr(get(v, 'projected', 'sources')).forEach((src, j) => {
      if (get(src, 'serviceAccountToken') === undefined) return;
      out.push({
        field: join(t.path, 'spec', `volumes[${i}].projected.sources[${j}].serviceAccountToken`),
        message: `mounts a service account token although the pod claims none (automountServiceAccountToken is false${podSetting === false ? '' : ` on ServiceAccount "${account}"`}): remove it, or opt in with automountServiceAccountToken: true and a dedicated serviceAccountName`,
      });
    });
  });
  return out;
}
