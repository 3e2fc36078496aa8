import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isFetch, parseCgiHead, startGitServer } from '../src/e2e/git-server.js';
import {
  e2eOverlay,
  IMAGE_REPOSITORY,
  kindApps,
  kindClusterVars,
  kindReleasePin,
  RELEASES,
  withFaultErrorRate,
} from '../src/e2e/gitops.js';
import {
  bootstrapGatewaySets,
  gatewayApiUrl,
  helmArgs,
  helmTemplateArgs,
  INSTALL_ORDER,
  kindOverrides,
  parsePlatform,
  podJobTargetLabels,
  VALUES_FILE,
} from '../src/e2e/platform.js';
import { dockerNetworkGateway, releaseVerdict } from '../src/e2e/status.js';
import { commitRelease, prepareTree } from '../src/e2e/tree.js';

const sh = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const valuesDir = join(repoRoot, 'infra', 'modules', 'kubernetes', 'values');
const platform = async () =>
  parsePlatform(await readFile(join(valuesDir, 'platform.yaml'), 'utf8'));

describe('e2e: the same controllers and values as Terraform', () => {
  it('installs every release from values/ with the exact chart version', async () => {
    const p = await platform();
    for (const key of INSTALL_ORDER) {
      const args = helmArgs(p, key, valuesDir, undefined);
      expect(args).toContain(p.charts.get(key)?.version);
      expect(args).toContain(`${valuesDir}/${VALUES_FILE[key]}`);
      expect(await readFile(join(valuesDir, VALUES_FILE[key]), 'utf8')).not.toBe('');
    }
    expect(helmArgs(p, 'contour', 'v', undefined).slice(0, 4)).toEqual([
      'upgrade',
      '--install',
      'contour',
      'oci://registry-1.docker.io/bitnamicharts/contour',
    ]);
    expect(helmArgs(p, 'flagger', 'v', 'k.yaml')).toEqual(
      expect.arrayContaining(['--repo', 'https://flagger.app', '--values', 'k.yaml']),
    );
    expect(helmTemplateArgs(p, 'flagger', 'v')).toEqual([
      'template',
      'flagger',
      'flagger',
      '--repo',
      'https://flagger.app',
      '--version',
      p.charts.get('flagger')?.version,
      '--values',
      'v/flagger.yaml',
    ]);
  });

  it('downloads the Gateway API bundle Terraform downloads (experimental channel for Contour)', async () => {
    const p = await platform();
    expect(gatewayApiUrl(p)).toBe(
      'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/experimental-install.yaml',
    );
    const tf = await readFile(join(valuesDir, '..', 'gateway.tf'), 'utf8');
    // Terraform builds the same URL from the same two platform.yaml values.
    const tfUrl = ['version}/$', '{local.gateway_api.channel}-install.yaml'].join('');
    expect(tf).toContain(`/releases/download/$${'{'}local.gateway_api.${tfUrl}`);
    expect(p.gatewayApi.requiredCrds).toEqual(
      expect.arrayContaining([
        'tlsroutes.gateway.networking.k8s.io',
        'tcproutes.gateway.networking.k8s.io',
        'backendtlspolicies.gateway.networking.k8s.io',
      ]),
    );
  });

  it('gives Contour and the bootstrap chart the Gateway of platform.yaml, like gateway.tf and flagger.tf', async () => {
    const p = await platform();
    expect(kindOverrides(p).contour).toMatchObject({
      configInline: { gateway: { gatewayRef: { name: 'contour', namespace: 'projectcontour' } } },
      envoy: { service: { type: 'ClusterIP', targetPorts: { http: 'http', https: 'http' } } },
    });
    expect(bootstrapGatewaySets(p)).toContain(
      'gateway.controllerName=projectcontour.io/gateway-controller',
    );
  });

  it('reads the kubernetes-pods target labels out of a rendered Prometheus config', () => {
    const rendered = [
      '    - job_name: kubernetes-cadvisor',
      '      relabel_configs:',
      '      - target_label: node_only',
      '    - job_name: kubernetes-pods',
      '      relabel_configs:',
      '      - target_label: __address__',
      '      - action: replace',
      '        target_label: kubernetes_namespace',
      '      - target_label: kubernetes_pod_name',
      '---',
      'kind: Deployment',
    ].join('\n');
    expect(podJobTargetLabels(rendered)).toEqual(['kubernetes_namespace', 'kubernetes_pod_name']);
    expect(() => podJobTargetLabels('kind: Deployment')).toThrow(/no kubernetes-pods job/);
  });
});

describe('e2e: the generated GitOps tree', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'e2e-tree-'));
    await cp(join(repoRoot, 'deploy'), join(root, 'deploy'), { recursive: true });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('builds with kubectl kustomize: the app with the kind image, fault injection switched by the bad release', {
    timeout: 20_000,
  }, async () => {
    const e2e = join(root, 'deploy', 'apps', 'e2e');
    await sh('mkdir', ['-p', e2e]);
    await writeFile(join(e2e, 'kustomization.yaml'), e2eOverlay('e2e-bad'));
    const appConfig = join(root, 'deploy', 'apps', 'production', 'app-config.yaml');
    await writeFile(appConfig, withFaultErrorRate(await readFile(appConfig, 'utf8'), '0.5'));
    const { stdout } = await sh('kubectl', ['kustomize', e2e]);
    const docs = stdout.split(/^---$/m).map(
      (d) =>
        parse(d) as {
          kind?: string;
          metadata?: { name?: string };
          spec?: unknown;
          data?: Record<string, string>;
        },
    );
    const dep = docs.find((d) => d.kind === 'Deployment');
    expect(JSON.stringify(dep)).toContain(`"image":"${IMAGE_REPOSITORY}:e2e-bad"`);
    expect(
      docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === 'demo-app-config')?.data
        ?.FAULT_ERROR_RATE,
    ).toBe('0.5');
  });

  it('points the kind apps Kustomization at the e2e overlay and refuses a changed apps.yaml', async () => {
    const apps = await readFile(
      join(repoRoot, 'deploy', 'clusters', 'eu-central-1', 'apps.yaml'),
      'utf8',
    );
    expect(kindApps(apps)).toContain('path: ./deploy/apps/e2e');
    expect(kindApps(apps)).toContain('healthCheckExprs');
    expect(() => kindApps(apps.replace('./deploy/apps/production', './x'))).toThrow(/no "path/);
    expect(parse(kindReleasePin(new Date('2026-12-06T14:00:00.123Z')))).toMatchObject({
      metadata: { name: 'release-pin', namespace: 'flux-system' },
      data: { DEMO_APP_PINNED_AT: '2026-12-06T14:00:00Z' },
    });
    expect(parse(kindClusterVars())).toMatchObject({
      data: { AWS_REGION: 'kind', ECR_REGISTRY: 'kind.local' },
    });
    expect(() => e2eOverlay('bad tag')).toThrow(/bad image tag/);
    expect(RELEASES.map((r) => r.expect)).toEqual(['initialized', 'promoted', 'rolled-back']);
  });
});

describe('e2e: verdicts on a release', () => {
  const canary = (phase: string) => ({ status: { phase } });
  const primary = (tag: string) => ({
    spec: {
      template: {
        spec: { containers: [{ name: 'demo-app', image: `${IMAGE_REPOSITORY}:${tag}` }] },
      },
    },
  });
  const apps = (status: string, message = '') => ({
    status: {
      conditions: [
        {
          type: 'Ready',
          status,
          reason: status === 'True' ? 'ReconciliationSucceeded' : 'HealthCheckFailed',
          message,
        },
      ],
    },
  });

  it('promotion passes only when the primary runs the new tag and Flux is Ready', () => {
    expect(
      releaseVerdict('promoted', 'good', 'base', {
        canary: canary('Succeeded'),
        primary: primary('base'),
        apps: apps('True'),
      }).state,
    ).toBe('waiting');
    expect(
      releaseVerdict('promoted', 'good', 'base', {
        canary: canary('Progressing'),
        primary: primary('base'),
        apps: apps('Unknown'),
      }).state,
    ).toBe('waiting');
    expect(
      releaseVerdict('promoted', 'good', 'base', {
        canary: canary('Succeeded'),
        primary: primary('good'),
        apps: apps('True'),
      }).state,
    ).toBe('passed');
    expect(
      releaseVerdict('promoted', 'good', 'base', {
        canary: canary('Failed'),
        primary: primary('base'),
        apps: apps('False'),
      }).state,
    ).toBe('failed');
    expect(
      releaseVerdict('initialized', 'base', 'base', {
        canary: canary('Initialized'),
        primary: primary('base'),
        apps: apps('True'),
      }).state,
    ).toBe('passed');
  });

  it('a rollback passes only when the primary kept the good tag and Flux reports the failed Canary', () => {
    const failed = { canary: canary('Failed'), primary: primary('good') };
    expect(
      releaseVerdict('rolled-back', 'bad', 'good', { ...failed, apps: apps('True') }).state,
    ).toBe('waiting');
    expect(
      releaseVerdict('rolled-back', 'bad', 'good', {
        ...failed,
        apps: apps(
          'False',
          "health check failed after 1m: failed early due to stalled resources: [Canary/demo-app/demo-app status: 'Failed']",
        ),
      }).state,
    ).toBe('passed');
    expect(
      releaseVerdict('rolled-back', 'bad', 'good', {
        canary: canary('Succeeded'),
        primary: primary('bad'),
        apps: apps('True'),
      }).state,
    ).toBe('failed');
    expect(
      releaseVerdict('rolled-back', 'bad', 'good', {
        canary: canary('Failed'),
        primary: primary('bad'),
        apps: apps('False', 'Canary'),
      }).state,
    ).toBe('failed');
  });

  it('finds the IPv4 gateway of the kind docker network', () => {
    expect(
      dockerNetworkGateway([
        {
          IPAM: {
            Config: [
              { Subnet: 'fc00:f853::/64', Gateway: 'fc00:f853::1' },
              { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' },
            ],
          },
        },
      ]),
    ).toBe('172.18.0.1');
    expect(dockerNetworkGateway([])).toBeUndefined();
  });
});

describe('e2e: the read-only Git server Flux clones from (real git, 127.0.0.1)', () => {
  it('tells fetches from pushes and parses CGI headers', () => {
    expect(isFetch('GET', '/r.git/info/refs?service=git-upload-pack')).toBe(true);
    expect(isFetch('GET', '/r.git/info/refs?service=git-receive-pack')).toBe(false);
    expect(isFetch('POST', '/r.git/git-receive-pack')).toBe(false);
    expect(isFetch('POST', '/r.git/git-upload-pack')).toBe(true);
    const raw = Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nbody');
    expect(parseCgiHead(raw)).toEqual({
      status: 404,
      headers: [['Content-Type', 'text/plain']],
      bodyAt: raw.indexOf('body'),
    });
    expect(parseCgiHead(Buffer.from('Content-Type: x\r\n'))).toBeUndefined();
  });

  it('serves a clone and refuses a push', { timeout: 30_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'e2e-git-server-'));
    const git = (args: string[], cwd = root) =>
      sh('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], {
        cwd,
        timeout: 10_000,
      });
    const server = await startGitServer(root, '127.0.0.1', 0);
    try {
      await git(['init', '-q', '--bare', '-b', 'main', 'served.git']);
      await git(['init', '-q', '-b', 'main', 'work']);
      await writeFile(join(root, 'work', 'f.txt'), 'release 1\n');
      await git(['add', '-A'], join(root, 'work'));
      await git(['commit', '-qm', 'one'], join(root, 'work'));
      await git(['push', '-q', join(root, 'served.git'), 'HEAD:main'], join(root, 'work'));
      const url = `http://127.0.0.1:${server.port}/served.git`;
      await git(['clone', '-q', url, 'clone']);
      expect(await readFile(join(root, 'clone', 'f.txt'), 'utf8')).toBe('release 1\n');
      await writeFile(join(root, 'clone', 'f.txt'), 'pushed\n');
      await git(['commit', '-qam', 'two'], join(root, 'clone'));
      await expect(git(['push', '-q', 'origin', 'HEAD:main'], join(root, 'clone'))).rejects.toThrow(
        /403|denied|error/i,
      );
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('e2e: the release history Flux fetches (real git, the Git server, kubectl kustomize)', () => {
  it('commits base, good and bad releases that Flux can clone and build', {
    timeout: 60_000,
  }, async () => {
    const tree = await prepareTree(repoRoot);
    const server = await startGitServer(tree.root, '127.0.0.1', 0);
    try {
      for (const r of RELEASES) await commitRelease(tree, r);
      const clone = join(tree.root, 'clone');
      await sh('git', ['clone', '-q', `http://127.0.0.1:${server.port}/served.git`, clone]);
      const log = await sh('git', ['log', '--format=%s'], { cwd: clone });
      expect(log.stdout.trim().split('\n')).toEqual([
        'release e2e-bad',
        'release e2e-good',
        'release e2e-base',
      ]);
      const kind = join(clone, 'deploy', 'clusters', 'kind');
      expect(parse(await readFile(join(kind, 'apps.yaml'), 'utf8'))).toMatchObject({
        spec: { path: './deploy/apps/e2e' },
      });
      const { stdout } = await sh('kubectl', ['kustomize', join(clone, 'deploy', 'apps', 'e2e')]);
      expect(stdout).toContain(`image: ${IMAGE_REPOSITORY}:e2e-bad`);
      expect(stdout).toMatch(/FAULT_ERROR_RATE: "0.5"/);
      const pin = parse(await readFile(join(kind, 'release-pin.yaml'), 'utf8')) as {
        data: Record<string, string>;
      };
      expect(pin.data.DEMO_APP_PINNED_AT).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(pin.data.DEMO_APP_DIGEST).toMatch(/^sha256:[0-9a-f]{64}$/);
      // the good release is in history with no fault
      const good = await sh('git', ['show', 'HEAD~1:deploy/apps/production/app-config.yaml'], {
        cwd: clone,
      });
      expect(good.stdout).toMatch(/FAULT_ERROR_RATE: "0"/);
    } finally {
      await server.close();
      await rm(tree.root, { recursive: true, force: true });
    }
  });
});
