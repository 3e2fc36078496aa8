import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kubectlKustomize } from '../src/io/kustomize.js';
import { formatFinding } from '../src/model.js';
import { runChecks } from '../src/run.js';
import { withDeployCopy } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const repoRoot = join(here, '..', '..', '..');

async function check(name: string) {
  const root = join(fixtures, name);
  return runChecks({ repoRoot: root, deployDir: join(root, 'deploy'), build: kubectlKustomize });
}

interface Expected {
  check: string;
  file: string;
  kind: string;
  name: string;
  field: string;
  message: RegExp;
}

const canaryFile = '../_base/canary.yaml (patched in deploy/apps/app/kustomization.yaml)';
const deploymentPatched =
  '../_base/deployment.yaml (patched in deploy/apps/app/kustomization.yaml)';
const flux = 'deploy/clusters/test/flux.yaml';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each broken fixture and exactly the findings it must produce. */
const BROKEN: Record<string, Expected[]> = {
  'unresolved-var': [
    {
      check: 'substitution',
      file: '../_base/deployment.yaml (patched in deploy/apps/app/patch-env.yaml)',
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].env[0].value',
      message: /variable \$\{OWNER\} has no value/,
    },
  ],
  'missing-vars-source': [
    {
      check: 'substitution',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.postBuild.substituteFrom[1]',
      message: /ConfigMap flux-system\/other-vars is not defined in the cluster folder/,
    },
  ],
  'canary-refs': [
    {
      check: 'canary-refs',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.targetRef.name',
      message: /Deployment "missing" not found/,
    },
    {
      check: 'canary-refs',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.autoscalerRef.name',
      message: /HorizontalPodAutoscaler "nope" not found/,
    },
    {
      check: 'canary-refs',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.analysis.metrics[0].templateRef',
      message: /MetricTemplate "gone" not found/,
    },
  ],
  'canary-port': [
    {
      check: 'canary-refs',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.service.targetPort',
      message: /no container port named "web"/,
    },
  ],
  'canary-schema': [
    {
      check: 'schema',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.analysis.metrics[0]',
      message: /unknown field\(s\) tresholdRange/,
    },
    {
      check: 'schema',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.analysis.webhooks[0].type',
      message: /expected one of .*"pre-rollout"/,
    },
    {
      check: 'schema',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.provider',
      message: /expected one of .*"gatewayapi:v1"/,
    },
  ],
  'metric-template-schema': [
    {
      check: 'schema',
      file: '../_base/metric-template.yaml (patched in deploy/apps/app/kustomization.yaml)',
      kind: 'MetricTemplate',
      name: 'errors',
      field: 'spec.query',
      message: /expected string, received undefined/,
    },
  ],
  'hpa-target': [
    {
      check: 'hpa-refs',
      file: '../_base/hpa.yaml (patched in deploy/apps/app/kustomization.yaml)',
      kind: 'HorizontalPodAutoscaler',
      name: 'app',
      field: 'spec.scaleTargetRef',
      message: /Deployment "missing" not found in namespace app/,
    },
  ],
  selectors: [
    {
      check: 'canary-refs',
      file: 'deploy/apps/app/services.yaml',
      kind: 'Service',
      name: 'app-canary',
      field: 'metadata.name',
      message: /Flagger generates Service "app-canary"/,
    },
    {
      check: 'selectors',
      file: '../_base/pdb.yaml (patched in deploy/apps/app/kustomization.yaml)',
      kind: 'PodDisruptionBudget',
      name: 'app',
      field: 'spec.selector',
      message: /"app":"other".*matches no pod template/,
    },
    {
      check: 'selectors',
      file: 'deploy/apps/app/services.yaml',
      kind: 'Service',
      name: 'web',
      field: 'spec.selector',
      message: /matches no pod template in namespace app/,
    },
  ],
  'configmap-refs': [
    {
      check: 'configmap-refs',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].envFrom[0].configMapRef.name',
      message: /ConfigMap "absent" not found/,
    },
    {
      check: 'configmap-refs',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef',
      message: /has no key "MISSING_KEY"/,
    },
  ],
  'image-tag': [
    {
      check: 'image-digest',
      file: '../_base/deployment.yaml',
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].image',
      message: /registry\.example\.com\/app:1\.2\.3" is not pinned by digest/,
    },
  ],
  'insecure-pod': [
    ['spec.template.spec.automountServiceAccountToken', /is not set and ServiceAccount "default"/],
    ['spec.template.spec.securityContext.runAsNonRoot', /must be true/],
    ['spec.template.spec.securityContext.runAsUser', /non-zero numeric UID/],
    ['spec.template.spec.securityContext.seccompProfile.type', /RuntimeDefault or Localhost/],
    ['spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', /must be false/],
    ['spec.template.spec.containers[0].securityContext.privileged', /must not be true/],
    ['spec.template.spec.containers[0].securityContext.capabilities.drop', /must include ALL/],
    ['spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem', /must be true/],
    ['spec.template.spec.containers[0].resources.requests.cpu', /needs a CPU request/],
    ['spec.template.spec.containers[0].resources.limits.memory', /needs a memory limit/],
  ].map(([field, message]) => ({
    check: 'pod-security',
    file: deploymentPatched,
    kind: 'Deployment',
    name: 'app',
    field: String(field),
    message: message as RegExp,
  })),
  'pod-lifecycle': [
    {
      check: 'probes',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].livenessProbe',
      message: /is missing: a serving container needs one/,
    },
    {
      check: 'probes',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].readinessProbe.httpGet.path',
      message: /is "\/healthz"; the app \(a Canary target\) serves readiness on httpGet \/readyz/,
    },
    {
      check: 'shutdown-budget',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.terminationGracePeriodSeconds',
      message:
        /^20 s must be larger than container "app"'s shutdown budget 35 s = SHUTDOWN_DELAY_MS 5000 \(app default\) \+ SHUTDOWN_TIMEOUT_MS 30000 \(ConfigMap app-config\)$/,
    },
    {
      check: 'zone-spread',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.topologySpreadConstraints',
      message:
        /no constraint with topologyKey topology\.kubernetes\.io\/zone \(only kubernetes\.io\/hostname\)/,
    },
  ],
  'depends-on': [
    {
      check: 'depends-on',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.dependsOn[0]',
      message: /flux-system\/infrastructure is not defined/,
    },
  ],
  'kustomize-error': [
    {
      check: 'kustomize',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.path',
      message: /kubectl kustomize \.\/deploy\/apps\/app failed: .*missing\.yaml/,
    },
  ],
  'k8s-schema': [
    {
      check: 'schema',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].ports[0].containerPort',
      message: /must be integer/,
    },
  ],
  'namespace-order': [
    {
      check: 'namespace-order',
      file: flux,
      kind: 'Kustomization',
      name: 'extra',
      field: 'spec.dependsOn',
      message:
        /applies Role\/reader \(deploy\/apps\/extra\/role\.yaml\) into namespace app, which Kustomization flux-system\/app creates, but does not depend on it: add \{name: app\}/,
    },
  ],
  'depends-on-cycle': [
    {
      check: 'depends-on',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.dependsOn',
      message: /dependency cycle: flux-system\/app -> flux-system\/other -> flux-system\/app/,
    },
  ],
  duplicates: [
    {
      check: 'duplicates',
      file: 'deploy/apps/app/vars.yaml',
      kind: 'ConfigMap',
      name: 'vars',
      field: 'metadata.name',
      message:
        /applied more than once .*by Kustomization flux-system\/app and by the cluster folder from deploy\/clusters\/test\/flux\.yaml/,
    },
  ],
  'canary-gitops': [
    {
      check: 'canary-gitops',
      file: canaryFile,
      kind: 'Canary',
      name: 'app',
      field: 'spec.analysis.webhooks',
      message: /^has no warm-up: a pre-rollout background load/,
    },
    {
      check: 'canary-gitops',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.wait',
      message: /^must be true: it applies Canary app\/app/,
    },
    {
      check: 'canary-gitops',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.healthCheckExprs',
      message: /^has no entry for flagger.app Canary with a `failed` expression/,
    },
    {
      check: 'canary-gitops',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.timeout',
      message: /^5 min is shorter than one analysis of Canary app\/app \(about 8 min\)/,
    },
  ],
  'hpa-min-max': [
    {
      check: 'hpa-refs',
      file: '../_base/hpa.yaml',
      kind: 'HorizontalPodAutoscaler',
      name: 'app',
      field: 'spec.minReplicas',
      message: /^5 is greater than maxReplicas 3$/,
    },
  ],
  'probe-ports': [
    {
      check: 'probe-ports',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].readinessProbe.httpGet.port',
      message: /names port "web" but the container's ports are \[http\]/,
    },
  ],
  'no-postbuild': [
    {
      check: 'substitution',
      file: '../_base/deployment.yaml',
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].env[0].value',
      message:
        /^\$\{REGION\} would reach the cluster as literal text: Kustomization flux-system\/app \(deploy\/clusters\/test\/flux\.yaml\) has no spec\.postBuild/,
    },
    {
      check: 'substitution',
      file: '../_base/hpa.yaml',
      kind: 'HorizontalPodAutoscaler',
      name: 'app',
      field: 'spec.minReplicas',
      message: /^\$\{MIN_REPLICAS:=1\} would reach the cluster as literal text/,
    },
    {
      // The variable is in the overlay's images: entry, not in the base Deployment.
      check: 'substitution',
      file: 'deploy/apps/app/kustomization.yaml (images:)',
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].image',
      message:
        /^\$\{REGISTRY\} would reach the cluster as literal text: Kustomization flux-system\/app/,
    },
    {
      check: 'schema',
      file: '../_base/hpa.yaml',
      kind: 'HorizontalPodAutoscaler',
      name: 'app',
      field: 'spec.minReplicas',
      message: /must be integer/,
    },
    {
      check: 'substitution',
      file: flux,
      kind: 'ConfigMap',
      name: 'notes',
      field: 'data.GREETING',
      message:
        /^\$\{USER\} would reach the cluster as literal text: the cluster folder is applied by the bootstrap Kustomization/,
    },
    {
      check: 'substitution',
      file: flux,
      kind: 'ConfigMap',
      name: 'notes',
      field: 'data.ESCAPED',
      message:
        /^\$\$\{HOME\} would reach the cluster with both dollars, not as \$\{HOME\} \(only postBuild substitution unescapes \$\$\{\.\.\.\}\): the cluster folder/,
    },
  ],
  'flux-schema': [
    {
      check: 'schema',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.dependOn',
      message:
        /^unknown field "dependOn" \(not in KustomizationSpec of kustomize\.toolkit\.fluxcd\.io\/v1 Kustomization; did you mean "dependsOn"\?\)$/,
    },
    {
      check: 'schema',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.prune',
      message: /must be boolean/,
    },
  ],
  'k8s-unknown-fields': [
    {
      check: 'schema',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].livenessProbe.httpGet.paht',
      message:
        /^unknown field "paht" \(not in HTTPGetAction of apps\/v1 Deployment; did you mean "path"\?\)$/,
    },
    {
      check: 'schema',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].readinesProbe',
      message:
        /^unknown field "readinesProbe" \(not in Container of apps\/v1 Deployment; did you mean "readinessProbe"\?\)$/,
    },
    {
      check: 'schema',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].securityContext.runAsNonroot',
      message:
        /^unknown field "runAsNonroot" \(not in SecurityContext of apps\/v1 Deployment; did you mean "runAsNonRoot"\?\)$/,
    },
    {
      check: 'schema',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.terminationGracePeriod',
      message: /^unknown field "terminationGracePeriod" \(not in PodSpec of apps\/v1 Deployment\)$/,
    },
    {
      check: 'probes',
      file: deploymentPatched,
      kind: 'Deployment',
      name: 'app',
      field: 'spec.template.spec.containers[0].readinessProbe',
      message: /is missing/,
    },
  ],
  'strict-kinds': [
    [
      'deploy/apps/app/extras.yaml',
      'Namespace',
      'app',
      'metadata',
      'lables',
      'ObjectMeta of v1 Namespace',
      'labels',
    ],
    [
      'deploy/apps/app/extras.yaml',
      'ConfigMap',
      'extra',
      '',
      'date',
      'ConfigMap of v1 ConfigMap',
      'data',
    ],
    [
      'deploy/apps/app/extras.yaml',
      'Service',
      'web',
      'spec.ports[0]',
      'targetport',
      'ServicePort of v1 Service',
      'targetPort',
    ],
    [
      '../_base/pdb.yaml (patched in deploy/apps/app/kustomization.yaml)',
      'PodDisruptionBudget',
      'app',
      'spec',
      'maxUnavailablee',
      'PodDisruptionBudgetSpec of policy/v1 PodDisruptionBudget',
      'maxUnavailable',
    ],
    [
      '../_base/hpa.yaml (patched in deploy/apps/app/kustomization.yaml)',
      'HorizontalPodAutoscaler',
      'app',
      'spec',
      'minReplica',
      'HorizontalPodAutoscalerSpec of autoscaling/v2 HorizontalPodAutoscaler',
      'minReplicas',
    ],
  ].map(([file = '', kind = '', name = '', at = '', key = '', shape = '', fix = '']) => ({
    check: 'schema',
    file,
    kind,
    name,
    field: at === '' ? key : `${at}.${key}`,
    message: new RegExp(
      `^${escapeRegExp(`unknown field "${key}" (not in ${shape}; did you mean "${fix}"?)`)}$`,
    ),
  })),
  'flux-unsupported': [
    {
      check: 'flux',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.patches',
      message: /is not rendered by deploy-check; put it in the kustomization\.yaml of spec\.path/,
    },
  ],
  'bad-path': [
    {
      check: 'flux',
      file: flux,
      kind: 'Kustomization',
      name: 'app',
      field: 'spec.path',
      message: /"\.\/deploy\/apps\/nowhere" is not a folder/,
    },
  ],
};

describe('broken fixtures', () => {
  // Each fixture is a kubectl kustomize process: run them side by side.
  it.concurrent.each(Object.entries(BROKEN))(
    '%s fails with file, object, field and reason',
    async (name, expected) => {
      const report = await check(name);
      const got = report.findings.map((f) => ({ ...f, text: formatFinding(f) }));
      expect(got).toHaveLength(expected.length);
      for (const e of expected) {
        expect(got).toContainEqual(
          expect.objectContaining({ ...e, message: expect.stringMatching(e.message) }),
        );
        // The printed line names the file, the object and the field.
        const object = e.kind === '' ? '' : ` ${e.kind}/${e.name}`;
        const field = e.field === '' ? '' : ` ${e.field}:`;
        expect(got.map((g) => g.text)).toContainEqual(
          expect.stringMatching(new RegExp(`^${escapeRegExp(`${e.file}:${object}${field}`)} `)),
        );
      }
    },
  );
});

describe('YAML syntax', () => {
  // Written at test time: a broken YAML file in the repository would break the root biome check.
  it('names the file, line and column of a YAML syntax error in a cluster folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'deploy-check-yaml-'));
    try {
      await cp(join(fixtures, '_base'), join(root, '_base'), { recursive: true });
      await cp(join(fixtures, 'good'), join(root, 'good'), { recursive: true });
      const notes = join(root, 'good', 'deploy', 'clusters', 'test', 'notes.yaml');
      await writeFile(notes, 'apiVersion: v1\nkind: ConfigMap\ndata:\n  A: [unclosed\n');
      const report = await runChecks({
        repoRoot: join(root, 'good'),
        deployDir: join(root, 'good', 'deploy'),
        build: kubectlKustomize,
      });
      expect(report.findings.map(formatFinding)).toEqual([
        'deploy/clusters/test/notes.yaml: line 5, column 1: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] [yaml]',
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('valid trees', () => {
  it('accepts the good fixture (optional source, defaults, substitute: disabled)', async () => {
    const report = await check('good');
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(report.clusters.map((c) => [c.cluster, c.kustomizations, c.objects.length])).toEqual([
      ['test', 1, 10],
    ]);
    const hpa = report.clusters[0]?.objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpa?.object).toMatchObject({ spec: { minReplicas: 1 } });
    const escaped = report.clusters[0]?.objects.find((o) => o.name === 'escaped');
    expect(escaped?.object).toMatchObject({ data: { TEMPLATE: '$' + '{NOT_SUBSTITUTED}' } });
  });

  it("accepts the repository's deploy/ tree, every cluster rendering the app", async () => {
    const report = await runChecks({
      repoRoot,
      deployDir: join(repoRoot, 'deploy'),
      build: kubectlKustomize,
    });
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(report.clusters.map((c) => c.cluster)).toEqual(
      expect.arrayContaining(['eu-central-1', 'eu-west-2']),
    );
    for (const c of report.clusters) expect(c.objects.length).toBeGreaterThanOrEqual(10);
  });

  it("needs the failover controller's dependsOn apps (its Role goes into apps' namespace)", {
    timeout: 20_000,
  }, async () => {
    await withDeployCopy('deploy-check-order-', async (root, check) => {
      const file = join(root, 'deploy', 'clusters', 'eu-west-2', 'failover-controller.yaml');
      const text = await readFile(file, 'utf8');
      const without = text.replace(/ {2}dependsOn:\n {4}- name: apps\n/, '');
      expect(without).not.toBe(text);
      await writeFile(file, without);
      const report = await check();
      expect(report.findings.map(formatFinding)).toEqual([
        expect.stringMatching(
          /^deploy\/clusters\/eu-west-2\/failover-controller\.yaml: Kustomization\/failover-controller spec\.dependsOn: applies Role\/failover-controller \(deploy\/apps\/failover-controller\/rbac\.yaml\) into namespace demo-app, which Kustomization flux-system\/apps creates/,
        ),
      ]);
    });
  });

  it('substitutes per region, and the optional demo-app-dr-overrides wins over cluster-vars', {
    timeout: 20_000,
  }, async () => {
    await withDeployCopy('deploy-check-dr-', async (root, check) => {
      const minReplicas = async () => {
        const report = await check();
        expect(report.findings.map(formatFinding)).toEqual([]);
        const hpaIn = (cluster: string) =>
          report.clusters
            .find((c) => c.cluster === cluster)
            ?.objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.name === 'demo-app')
            ?.object;
        return [hpaIn('eu-central-1'), hpaIn('eu-west-2')].map(
          (h) => (h?.spec as { minReplicas?: unknown })?.minReplicas,
        );
      };
      expect(await minReplicas()).toEqual([3, 1]);
      // What the failover controller does at run time: write the floor into the overrides
      // ConfigMap (declared once in the repository, owned by the controller afterwards).
      const overrides = join(root, 'deploy', 'apps', 'failover-controller', 'dr-overrides.yaml');
      await writeFile(overrides, `${await readFile(overrides, 'utf8')}  HPA_MIN_REPLICAS: "3"\n`);
      expect(await minReplicas()).toEqual([3, 3]);
    });
  });
});

describe('CLI', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(here, '..', 'src', 'cli.ts'), ...args],
        { cwd: repoRoot, timeout: 20_000 },
        (err, stdout, stderr) =>
          resolve({ code: err === null ? 0 : (err.code as number), stdout, stderr }),
      );
    });

  it('exits 1 listing every problem, 0 with a summary, 2 when it cannot run', {
    timeout: 60_000,
  }, async () => {
    const bad = await run(['--repo', join(fixtures, 'canary-refs')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Canary/app spec.targetRef.name: Deployment "missing" not found');
    expect(bad.stderr).toContain('deploy-check: 3 problem(s)');
    const good = await run(['--repo', join(fixtures, 'good')]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('deploy-check: ok (test: 1 Kustomization(s), 10 objects)');
    const missing = await run(['--repo', fixtures]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOT_FOUND: no clusters folder');
  });
});
