import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlKustomize } from '../src/io/kustomize.js';
import type { KubeObject, RenderedObject } from '../src/model.js';
import { identity } from '../src/object-access.js';
import { type Report, runChecks } from '../src/run.js';

/** A rendered object from a literal, as the checks receive it. */
export function rendered(object: KubeObject, file = 'deploy/x.yaml'): RenderedObject {
  const { kind, name, namespace } = identity(object);
  return { object, kind, name, namespace, file };
}

/** A minimal hardened Deployment `name` in namespace `ns`, overridable per test. */
export function deployment(
  name = 'web',
  ns = 'app',
  podSpec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: 'web' } },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { app: name } },
            },
          ],
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'main',
              image: `registry.example.com/${name}@sha256:${'b'.repeat(64)}`,
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
          ...podSpec,
        },
      },
    },
  };
}

/** The repository root (this package is tools/deploy-check). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs `body` on a throw-away copy of the repository's deploy/ tree, with `check()` running every
 * check over the copy as the CLI does; the copy is removed afterwards.
 */
export async function withDeployCopy(
  prefix: string,
  body: (root: string, check: () => Promise<Report>) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  try {
    await cp(join(REPO_ROOT, 'deploy'), join(root, 'deploy'), { recursive: true });
    const check = () =>
      runChecks({ repoRoot: root, deployDir: join(root, 'deploy'), build: kubectlKustomize });
    await body(root, check);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A Flux Kustomization `name` in flux-system, with `spec` when given. */
export const fluxKustomization = (name: string, spec?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  ...(spec === undefined ? {} : { spec }),
});

/** The first container of a helper Deployment, to edit in place. */
export function firstContainer(d: KubeObject): Record<string, unknown> {
  const spec = d.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
  const c = spec.template.spec.containers[0];
  if (c === undefined) throw new Error('no container');
  return c;
}
