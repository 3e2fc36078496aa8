import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkAppConfig } from '../src/checks/app-config.js';
import { loadAppConfigParser } from '../src/io/app-config.js';
import { kubectlKustomize } from '../src/io/kustomize.js';
import { findRepoRoot } from '../src/repo-root.js';
import { runChecks } from '../src/run.js';
import { deployment, firstContainer, rendered } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const repoRoot = join(here, '..', '..', '..');
const parser = await loadAppConfigParser();
/** The built CLI (npm run build -w tools/deploy-check): `--import tsx` would resolve from the cwd. */
const CLI_JS = join(here, '..', 'dist', 'cli.js');

const canary = rendered({
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'web', namespace: 'app' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    service: { port: 80, targetPort: 'http' },
  },
});
const configMap = (data: Record<string, string>) =>
  rendered(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace: 'app' },
      data,
    },
    'deploy/apps/web/configmap.yaml',
  );
function web(env: unknown[] = []) {
  const d = deployment('web');
  const c = firstContainer(d);
  c.envFrom = [{ configMapRef: { name: 'web-config' } }];
  c.env = env;
  return rendered(d, 'deploy/apps/web/deployment.yaml');
}

describe("the app's ConfigMap, checked with the app's own parser", () => {
  it('a value the app would refuse at start is a finding naming file, key and the message', () => {
    const findings = checkAppConfig(
      [canary, web(), configMap({ FAULT_ERROR_RATE: '1.5' })],
      parser,
    );
    expect(findings).toEqual([
      {
        check: 'app-config',
        file: 'deploy/apps/web/configmap.yaml',
        kind: 'ConfigMap',
        name: 'web-config',
        field: 'data.FAULT_ERROR_RATE',
        message:
          'the app (container "main" of Deployment web) would refuse to start: invalid FAULT_ERROR_RATE="1.5": expected a number between 0 and 1',
      },
    ]);
  });

  it('accepts values the app accepts, and checks what the container really sees', () => {
    const good = configMap({ FAULT_ERROR_RATE: '0.25', LOG_LEVEL: 'debug', NODE_OPTIONS: '--x' });
    expect(checkAppConfig([canary, web(), good], parser)).toEqual([]);
    // env wins over envFrom (kubelet order): the ConfigMap's bad value never reaches the app.
    const overridden = web([{ name: 'FAULT_ERROR_RATE', value: '0' }]);
    expect(
      checkAppConfig([canary, overridden, configMap({ FAULT_ERROR_RATE: '2' })], parser),
    ).toEqual([]);
    // A bad literal in env is reported on the workload.
    const literal = web([{ name: 'DR_ROLE', value: 'active' }]);
    expect(checkAppConfig([canary, literal, configMap({})], parser)).toMatchObject([
      {
        kind: 'Deployment',
        name: 'web',
        field: 'spec.template.spec.containers[0].env[name=DR_ROLE]',
      },
    ]);
    // Unknowable values (downward API) are not guessed at.
    const fieldRef = web([
      { name: 'POD_APP_LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
    ]);
    expect(checkAppConfig([canary, fieldRef, configMap({})], parser)).toEqual([]);
  });

  it('a ConfigMap key the app does not read is a finding (a typo is ignored at start)', () => {
    const findings = checkAppConfig([canary, web(), configMap({ FAULT_ERRORRATE: '0.5' })], parser);
    expect(findings).toMatchObject([
      {
        field: 'data.FAULT_ERRORRATE',
        message: expect.stringMatching(
          /reads no variable FAULT_ERRORRATE: a misspelt setting is ignored at start \(did you mean FAULT_ERROR_RATE\?\)$/,
        ),
      },
    ]);
  });

  it('POD_APP_LABEL reads the selector label Flagger renames on the stable copy', () => {
    const label = (fieldPath: string) =>
      web([{ name: 'POD_APP_LABEL', valueFrom: { fieldRef: { fieldPath } } }]);
    expect(
      checkAppConfig([canary, label("metadata.labels['app']"), configMap({})], parser),
    ).toEqual([]);
    expect(
      checkAppConfig([canary, label("metadata.labels['tier']"), configMap({})], parser),
    ).toMatchObject([
      {
        kind: 'Deployment',
        field: 'spec.template.spec.containers[0].env[name=POD_APP_LABEL]',
        message: expect.stringMatching(
          /reads label "tier", but Flagger marks the stable copy in label "app"/,
        ),
      },
    ]);
    const literal = web([{ name: 'POD_APP_LABEL', value: 'web' }]);
    expect(checkAppConfig([canary, literal, configMap({})], parser)).toMatchObject([
      {
        message: expect.stringMatching(
          /must be the downward API's valueFrom.fieldRef metadata.labels\['app'\]/,
        ),
      },
    ]);
  });

  it('only the Canary target is the app: other workloads are not held to its configuration', () => {
    expect(checkAppConfig([web(), configMap({ FAULT_ERROR_RATE: '1.5' })], parser)).toEqual([]);
  });

  it('finds every problem of a fixture tree through kustomize', async () => {
    const root = join(fixtures, 'app-config');
    const report = await runChecks({
      repoRoot: root,
      deployDir: join(root, 'deploy'),
      build: kubectlKustomize,
      appConfig: parser,
    });
    const cmFile = 'deploy/apps/app/app-config.yaml (patched in ../_base/configmap.yaml)';
    const own = report.findings.filter((f) => f.check === 'app-config');
    expect(own.map((f) => [f.file, f.kind, f.field, f.message])).toEqual([
      [
        cmFile,
        'ConfigMap',
        'data.FAULT_ERRORRATE',
        expect.stringContaining('reads no variable FAULT_ERRORRATE'),
      ],
      [
        '../_base/deployment.yaml (patched in deploy/apps/app/kustomization.yaml)',
        'Deployment',
        'spec.template.spec.containers[0].env[name=DR_ROLE]',
        'the app (container "app" of Deployment app) would refuse to start: invalid DR_ROLE="active": expected one of primary, standby',
      ],
      [
        cmFile,
        'ConfigMap',
        'data.LOG_LEVEL',
        expect.stringContaining('invalid LOG_LEVEL="verbose": expected one of fatal'),
      ],
      [
        cmFile,
        'ConfigMap',
        'data.FAULT_ERROR_RATE',
        'the app (container "app" of Deployment app) would refuse to start: invalid FAULT_ERROR_RATE="1.5": expected a number between 0 and 1',
      ],
    ]);
  });
});

describe('the repository root', () => {
  const tree = new Set(['/r/.git', '/r/package.json', '/w/package.json']);
  const probe = (dir: string) => ({
    git: tree.has(`${dir}/.git`),
    workspaces: dir === '/w',
  });
  it('is the nearest folder up from the start with .git or a package.json with workspaces', () => {
    expect(findRepoRoot('/r/tools/deploy-check', probe)).toBe('/r');
    expect(findRepoRoot('/r', probe)).toBe('/r');
    expect(findRepoRoot('/w/a/b', probe)).toBe('/w');
    expect(findRepoRoot('/elsewhere/x', probe)).toBeUndefined();
  });

  it('is found by the CLI from a subfolder; --repo still overrides; none above: exit 2', {
    timeout: 60_000,
  }, async () => {
    const cli = (cwd: string, args: string[] = []) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [CLI_JS, ...args],
          { cwd, timeout: 30_000 },
          (err, stdout, stderr) =>
            resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }),
        );
      });
    expect(existsSync(CLI_JS), `${CLI_JS}: run npm run build -w tools/deploy-check`).toBe(true);
    const tmp = await mkdtemp(join(tmpdir(), 'deploy-check-root-'));
    try {
      const repo = join(tmp, 'repo');
      await cp(join(fixtures, 'good'), repo, { recursive: true });
      await cp(join(fixtures, '_base'), join(tmp, '_base'), { recursive: true });
      const noRoot = await cli(join(repo, 'deploy', 'apps'));
      expect(noRoot.code).toBe(2);
      expect(noRoot.stderr).toMatch(/no repository root .*\.git.*--repo/);
      await mkdir(join(repo, '.git'));
      const found = await cli(join(repo, 'deploy', 'apps'));
      expect(found.stderr).toBe('');
      expect(found.stdout).toContain('deploy-check: ok (test: 1 Kustomization(s)');
      const overridden = await cli(join(repo, 'deploy'), ['--repo', join(fixtures, 'canary-refs')]);
      expect(overridden.code).toBe(1);
      expect(overridden.stderr).toContain('Deployment "missing" not found');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

describe("the repository's own deploy/ tree", () => {
  it('holds values the app accepts', { timeout: 60_000 }, async () => {
    const report = await runChecks({
      repoRoot,
      deployDir: join(repoRoot, 'deploy'),
      build: kubectlKustomize,
      appConfig: parser,
    });
    expect(report.findings.filter((f) => f.check === 'app-config')).toEqual([]);
  });
});
