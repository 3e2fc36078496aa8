import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, str } from '../object-access.js';
import { containersOf, podTemplates } from './pods.js';

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'];

/** A probe's named port (`port: http`) must be a port name of the same container. Pure. */
export function checkProbePorts(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const t of podTemplates(objects)) {
    for (const { path, container } of containersOf(t)) {
      const names = arr(container.ports).flatMap((p) => str(get(p, 'name')) ?? []);
      for (const probe of PROBES) {
        for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
          const port = get(container, probe, handler, 'port');
          if (typeof port === 'string' && !names.includes(port)) {
            findings.push(
              findingFor(
                'probe-ports',
                t.owner,
                `${path}.${probe}.${handler}.port`,
                `names port "${port}" but the container's ports are [${names.join(', ')}]`,
              ),
            );
          }
        }
      }
    }
  }
  return findings;
}
