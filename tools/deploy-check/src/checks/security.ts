import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get } from '../object-access.js';
import { containersOf, join, podTemplates } from './pods.js';

const SECCOMP_OK = ['RuntimeDefault', 'Localhost'];

/**
 * Pod hardening, at least Pod Security "restricted" (which the demo-app namespace enforces) plus our
 * own rules: runAsNonRoot with a numeric non-zero runAsUser, seccomp RuntimeDefault/Localhost,
 * per container allowPrivilegeEscalation false, capabilities drop ALL, not privileged,
 * readOnlyRootFilesystem, CPU and memory requests and a memory limit. Pure.
 */
export function checkPodSecurity(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const t of podTemplates(objects)) {
    const podSc = t.spec.securityContext;
    const podPath = join(t.path, 'spec', 'securityContext');
    const fail = (field: string, message: string) =>
      findings.push(findingFor('pod-security', t.owner, field, message));

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
