import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInfraAccounts } from '../src/checks/infra-accounts.js';
import { checkInfraContract, parseHey } from '../src/checks/infra-contract.js';
import {
  hclStringAttributes,
  helmFullname,
  type InfraFacts,
  loadtesterHost,
  prometheusAddress,
} from '../src/infra-facts.js';
import { readInfraFacts } from '../src/io/infra.js';
import { kubectlKustomize } from '../src/io/kustomize.js';
import { promtoolCheck } from '../src/io/promtool.js';
import { formatFinding, type KubeObject } from '../src/model.js';
import { runChecks } from '../src/run.js';
import { deployment, rendered } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

/** Facts like the repository's, as a literal (the pure checks never read files). */
const FACTS: InfraFacts = {
  files: { platform: 'p.yaml', flagger: 'f.yaml', environment: 'e.hcl' },
  gateway: { name: 'gw', namespace: 'edge', envoyService: 'gw-envoy', envoyPort: 80 },
  releases: new Map([
    ['flagger', { name: 'flagger', namespace: 'fs' }],
    ['loadtester', { name: 'flagger-loadtester', namespace: 'fs' }],
  ]),
  charts: new Set(['flagger', 'loadtester', 'metrics_server']),
  meshProvider: 'gatewayapi:v1',
  prometheusInstalled: true,
  seriesLabels: { namespace: 'kubernetes_namespace', pod: 'kubernetes_pod_name', app: 'app' },
  loadtesterPort: 80,
  environment: { accountId: '111111111111', repository: 'org/repo', ecrRepositories: ['web'] },
  regions: new Map([['eu-central-1', { drRole: 'primary', file: 'r.hcl' }]]),
};

const LT = 'http://flagger-loadtester.fs/';
/** A Canary spec's analysis with one rollout webhook running `cmd` on the load tester at `url`. */
const loadTest = (cmd: string, name = 'l', url = LT) => ({
  analysis: { webhooks: [{ name, type: 'rollout', url, metadata: { cmd } }] },
});
function canary(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'web', namespace: 'app' },
    spec: {
      provider: 'gatewayapi:v1',
      service: { port: 80, gatewayRefs: [{ name: 'gw', namespace: 'edge' }] },
      ...loadTest('hey -z 1m -host web.example.com http://gw-envoy.edge/', 'load'),
      ...spec,
    },
  };
}
const messages = (objects: KubeObject[], facts = FACTS) =>
  checkInfraContract(
    objects.map((o) => rendered(o)),
    facts,
  ).map((f) => `${f.field}: ${f.message}`);

describe('infra facts', () => {
  it('derives Service names as the Flagger charts name them', () => {
    expect(helmFullname('flagger', 'flagger')).toBe('flagger');
    expect(helmFullname('canary', 'flagger')).toBe('canary-flagger');
    expect(prometheusAddress(FACTS)).toBe('http://flagger-prometheus.fs:9090');
    expect(loadtesterHost(FACTS)).toBe('flagger-loadtester.fs');
  });

  it('reads string attributes of environment.hcl, not interpolations', () => {
    const a = hclStringAttributes(
      'locals {\n  aws_account_id = "123456789012" # x\n  x = "$' + '{y}"\n}\n',
    );
    expect([...a]).toEqual([['aws_account_id', '123456789012']]);
  });

  it('parses a hey command line', () => {
    expect(parseHey('hey -z 1m -q 10 -host a.example http://e.ns/')).toEqual({
      host: 'a.example',
      url: 'http://e.ns/',
    });
    expect(parseHey('curl http://x/')).toBeUndefined();
  });

  it("reads the repository's infra/ (values files and the live tree)", async () => {
    const facts = await readInfraFacts(repoRoot, join(repoRoot, 'infra'));
    expect(facts && prometheusAddress(facts)).toBe('http://flagger-prometheus.flagger-system:9090');
    expect(facts && loadtesterHost(facts)).toBe('flagger-loadtester.flagger-system');
    expect(facts?.gateway).toMatchObject({
      name: 'contour',
      namespace: 'projectcontour',
      envoyService: 'contour-envoy',
    });
    expect(facts?.environment.accountId).toMatch(/^[0-9]{12}$/);
    expect(facts?.regions.get('eu-west-2')?.drRole).toBe('standby');
    expect(await readInfraFacts(repoRoot, join(repoRoot, 'nowhere'))).toBeUndefined();
  });
});

describe('infra-contract (pure)', () => {
  it('accepts a Canary that matches the installed controllers', () => {
    expect(messages([canary()])).toEqual([]);
  });

  it('refuses load sent straight to the canary Service, and load without a Host', () => {
    const direct = canary(loadTest('hey -z 1m http://web-canary.app/'));
    expect(messages([direct]).join('\n')).toMatch(/not through the Gateway/);
    const noHost = canary(loadTest('hey -z 1m http://gw-envoy.edge/'));
    expect(messages([noHost]).join('\n')).toMatch(/sends no -host/);
    const otherHost = canary({
      service: { port: 80, hosts: ['a.example'], gatewayRefs: [{ name: 'gw', namespace: 'edge' }] },
    });
    expect(messages([otherHost]).join('\n')).toMatch(
      /-host web.example.com is not one the route serves/,
    );
  });

  it('refuses another mesh provider, Gateway or load tester than Terraform installs', () => {
    const c = canary({
      provider: 'contour',
      service: { port: 80, gatewayRefs: [{ name: 'other', namespace: 'edge' }] },
      ...loadTest('hey -host h http://gw-envoy.edge/', 'l', 'http://loadtester.test/'),
    });
    expect(messages([c])).toEqual([
      expect.stringMatching(
        /^spec.provider: is "contour" but Terraform configures Flagger with meshProvider "gatewayapi:v1"/,
      ),
      expect.stringMatching(
        /^spec.service.gatewayRefs\[0\]: is edge\/other; the Gateway Terraform creates is edge\/gw/,
      ),
      expect.stringMatching(/^spec.analysis.webhooks\[0\].url: .*http:\/\/flagger-loadtester.fs\//),
    ]);
  });

  it("checks the MetricTemplate address and the label names Flagger's Prometheus sets", () => {
    const t = (address: string, query: string): KubeObject => ({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'm', namespace: 'app' },
      spec: { provider: { type: 'prometheus', address }, query },
    });
    const good =
      'sum(rate(x{kubernetes_namespace="{{ namespace }}", kubernetes_pod_name=~"p"}[1m]))';
    expect(messages([t('http://flagger-prometheus.fs:9090', good)])).toEqual([]);
    expect(messages([t('http://prometheus.monitoring:9090', good)])).toEqual([
      expect.stringMatching(
        /address: is "http:\/\/prometheus.monitoring:9090"; .* answers at http:\/\/flagger-prometheus.fs:9090/,
      ),
    ]);
    const renamed = { ...FACTS, seriesLabels: { ...FACTS.seriesLabels, pod: 'pod' } };
    expect(messages([t('http://flagger-prometheus.fs:9090', good)], renamed)).toEqual([
      expect.stringMatching(/does not select on pod, the label Flagger's Prometheus sets/),
      expect.stringMatching(
        /selects on kubernetes_pod_name, which Flagger's Prometheus does not set/,
      ),
    ]);
  });

  it('checks the GitHub Provider repository and metrics-server for resource HPAs', () => {
    const provider: KubeObject = {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: 'gh' },
      spec: { type: 'github', address: 'https://github.com/org/other' },
    };
    expect(messages([provider])).toEqual([
      expect.stringMatching(/the repository is https:\/\/github.com\/org\/repo/),
    ]);
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', namespace: 'app' },
      spec: { metrics: [{ type: 'Resource' }] },
    };
    expect(messages([hpa])).toEqual([]);
    expect(messages([hpa], { ...FACTS, charts: new Set(['flagger']) })).toEqual([
      expect.stringMatching(/need metrics-server/),
    ]);
  });
});

describe('infra-accounts (pure)', () => {
  const vars = (data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cluster-vars', namespace: 'flux-system' },
    data,
  });
  const ok = {
    AWS_REGION: 'eu-central-1',
    DR_ROLE: 'primary',
    ECR_REGISTRY: '111111111111.dkr.ecr.eu-central-1.amazonaws.com',
  };
  const run = (objects: KubeObject[]) =>
    checkInfraAccounts(
      'eu-central-1',
      objects.map((o) => rendered(o)),
      FACTS,
    ).map((f) => `${f.field}: ${f.message}`);

  it('accepts cluster-vars and images that match environment.hcl and region.hcl', () => {
    type Containers = { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const d = deployment('web', 'app');
    const containers = (d as unknown as Containers).spec.template.spec.containers;
    containers[0] = {
      ...containers[0],
      image: `111111111111.dkr.ecr.eu-central-1.amazonaws.com/web@sha256:${'a'.repeat(64)}`,
    };
    expect(run([vars(ok), d])).toEqual([]);
  });

  it('fails when deploy/ names another account, region, role or repository', () => {
    expect(
      run([
        vars({
          ...ok,
          ECR_REGISTRY: '111122223333.dkr.ecr.eu-central-1.amazonaws.com',
          DR_ROLE: 'standby',
        }),
      ]),
    ).toEqual([
      expect.stringMatching(/^data.DR_ROLE: is "standby"; r.hcl says dr_role = "primary"/),
      expect.stringMatching(
        /^data.ECR_REGISTRY: is "111122223333.dkr.ecr.eu-central-1.amazonaws.com"; account 111111111111/,
      ),
    ]);
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'app' },
      data: { ARN: 'arn:aws:globalaccelerator::999999999999:accelerator/x' },
    };
    expect(run([vars(ok), cm])).toEqual([
      expect.stringMatching(/^data.ARN: names account 999999999999/),
    ]);
  });
});

describe("the repository's deploy/ against its infra/ (real files, promtool)", () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'deploy-check-infra-'));
    await cp(join(repoRoot, 'deploy'), join(root, 'deploy'), { recursive: true });
    await cp(join(repoRoot, 'infra'), join(root, 'infra'), { recursive: true });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const check = async () => {
    const infra = await readInfraFacts(root, join(root, 'infra'));
    const report = await runChecks({
      repoRoot: root,
      deployDir: join(root, 'deploy'),
      build: kubectlKustomize,
      infra,
      promtool: promtoolCheck,
    });
    return report;
  };
  const edit = async (file: string, from: string | RegExp, to: string) => {
    const path = join(root, file);
    const text = await readFile(path, 'utf8');
    const next = text.replace(from, to);
    expect(next).not.toBe(text);
    await writeFile(path, next);
    return async () => writeFile(path, text);
  };
  /** The findings of the tree with one edit, undone afterwards. */
  const findingsWith = async (file: string, from: string | RegExp, to: string) => {
    const undo = await edit(file, from, to);
    const found = (await check()).findings.map(formatFinding);
    await undo();
    return found;
  };

  it('agrees, and tells when an HPA change reaches demo-app-primary with the command to apply it', {
    timeout: 30_000,
  }, async () => {
    const report = await check();
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(report.notices).toContainEqual(
      expect.stringContaining(
        'kubectl -n demo-app patch hpa demo-app-primary --type merge -p \'{"spec":{"minReplicas":3,"maxReplicas":10}}\'',
      ),
    );
  });

  it('refuses incomplete infra facts with the file and the missing value', async () => {
    const undo = await edit(
      'infra/modules/kubernetes/values/flagger.yaml',
      /^meshProvider:.*$/m,
      '',
    );
    await expect(readInfraFacts(root, join(root, 'infra'))).rejects.toThrow(
      /infra\/modules\/kubernetes\/values\/flagger.yaml: meshProvider is missing/,
    );
    await undo();
  });

  it('fails when cluster-vars names another account than environment.hcl', {
    timeout: 30_000,
  }, async () => {
    const found = await findingsWith(
      'deploy/clusters/eu-central-1/cluster-vars.yaml',
      /ECR_REGISTRY: [0-9]{12}/,
      'ECR_REGISTRY: 111122223333',
    );
    expect(found).toContainEqual(
      expect.stringMatching(
        /^deploy\/clusters\/eu-central-1\/cluster-vars.yaml: ConfigMap\/cluster-vars data.ECR_REGISTRY: is "111122223333.dkr.ecr.eu-central-1.amazonaws.com"; account [0-9]{12} \(infra\/environments\/prod\/environment.hcl aws_account_id\)/,
      ),
    );
    expect(found).toContainEqual(
      expect.stringMatching(
        /Deployment\/demo-app spec.template.spec.containers\[0\].image: pulls from account 111122223333/,
      ),
    );
  });

  it('reads the Prometheus label names from the values file, not from the test', {
    timeout: 30_000,
  }, async () => {
    const found = await findingsWith(
      'infra/modules/kubernetes/values/platform.yaml',
      'pod: kubernetes_pod_name',
      'pod: pod',
    );
    expect(found).toContainEqual(
      expect.stringMatching(
        /^deploy\/apps\/base\/demo-app\/metric-templates.yaml: MetricTemplate\/error-rate spec.query: does not select on pod/,
      ),
    );
  });

  it('runs promtool over the dashboard and the alert rules', { timeout: 30_000 }, async () => {
    const found = await findingsWith(
      'deploy/monitoring/rules/demo-app-slo.yaml',
      'expr: demo_app:request_duration_seconds:p99_rate5m > 0.5',
      'expr: demo_app:request_duration_seconds:p99_rate5m > > 0.5',
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^deploy\/monitoring\/rules\/demo-app-slo.yaml: spec.groups\[1\].rules\[2\].expr: could not parse expression/,
      ),
    ]);
  });
});

describe('infra/modules/kubernetes: order and one values source (static reading of the module)', () => {
  const module = join(repoRoot, 'infra', 'modules', 'kubernetes');
  /** The body of `resource "<type>" "<name>" { … }` (braces balanced). */
  const block = (text: string, header: string): string => {
    const at = text.indexOf(header);
    if (at < 0) throw new Error(`${header} not found`);
    let depth = 0;
    for (let i = text.indexOf('{', at); i < text.length; i++) {
      if (text[i] === '{') depth++;
      if (text[i] === '}' && --depth === 0) return text.slice(at, i + 1);
    }
    throw new Error(`${header} is not closed`);
  };

  it('creates the Flux sync only after Flagger (its CRDs), the load tester and metrics-server', async () => {
    const tf = await readFile(join(module, 'flagger.tf'), 'utf8');
    const deps =
      /depends_on\s*=\s*\[([^\]]*)\]/.exec(
        block(tf, 'resource "helm_release" "platform_bootstrap"'),
      )?.[1] ?? '';
    const names = deps
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d !== '');
    expect(names).toEqual(
      expect.arrayContaining([
        'helm_release.flagger',
        'helm_release.flagger_loadtester',
        'helm_release.metrics_server',
      ]),
    );
  });

  it('takes every chart version and the shared Helm values from values/', async () => {
    const tf = (
      await Promise.all(
        ['main.tf', 'flagger.tf', 'flux.tf', 'gateway.tf', 'metrics-server.tf'].map((f) =>
          readFile(join(module, f), 'utf8'),
        ),
      )
    ).join('\n');
    for (const chart of ['flux2', 'contour', 'flagger', 'loadtester', 'metrics_server']) {
      expect(tf).toContain(`local.chart_values.${chart}`);
      expect(tf).toContain(`local.charts.${chart}.version`);
    }
    expect(tf).not.toMatch(/version\s*=\s*"[0-9]/);
  });
});
