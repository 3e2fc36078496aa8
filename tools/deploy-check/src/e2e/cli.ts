#!/usr/bin/env node
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { DeployCheckError } from '../errors.js';
import { run, waitFor } from './exec.js';
import { startGitServer } from './git-server.js';
import { IMAGE_REPOSITORY, KIND_CLUSTER, RELEASES } from './gitops.js';
import {
  bootstrapGatewaySets,
  gatewayApiUrl,
  helmArgs,
  helmTemplateArgs,
  INSTALL_ORDER,
  kindOverrides,
  type Platform,
  parsePlatform,
  podJobTargetLabels,
} from './platform.js';
import { dockerNetworkGateway, releaseVerdict } from './status.js';
import { commitRelease, type E2eTree, prepareTree } from './tree.js';

/**
 * The kind end-to-end test (.github/workflows/kind-e2e.yml): each workflow step is one subcommand.
 * The decisions are the pure modules next to this file (unit-tested offline); this is the I/O.
 */
const valuesDir = (repo: string) => join(repo, 'infra', 'modules', 'kubernetes', 'values');
const platformOf = async (repo: string) =>
  parsePlatform(await readFile(join(valuesDir(repo), 'platform.yaml'), 'utf8'));
const kubectlJson = async (args: string[]) =>
  JSON.parse(await run('kubectl', [...args, '-o', 'json'])) as unknown;

async function chartLabels(repo: string): Promise<void> {
  const p = await platformOf(repo);
  const chart = p.charts.get('flagger');
  const rendered = await run('helm', helmTemplateArgs(p, 'flagger', valuesDir(repo)));
  const labels = podJobTargetLabels(rendered);
  const missing = [p.seriesLabels.namespace, p.seriesLabels.pod].filter((l) => !labels.includes(l));
  if (missing.length > 0) {
    throw new DeployCheckError(
      'E2E',
      `Flagger chart ${chart?.version} labels pod series with ${labels.join(', ')}, not ${missing.join(', ')} (platform.yaml prometheus_series_labels)`,
    );
  }
  console.log(`flagger chart ${chart?.version}: kubernetes-pods series carry ${labels.join(', ')}`);
}

async function install(repo: string): Promise<void> {
  const p = await platformOf(repo);
  await run('kubectl', ['apply', '--server-side', '-f', gatewayApiUrl(p)]);
  for (const crd of p.gatewayApi.requiredCrds)
    await run('kubectl', ['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=2m']);
  const dir = await mkdtemp(join(tmpdir(), 'e2e-values-'));
  const overrides = kindOverrides(p);
  for (const key of INSTALL_ORDER) {
    let file: string | undefined;
    if (overrides[key] !== undefined) {
      file = join(dir, `${key}.kind.yaml`);
      await writeFile(file, stringify(overrides[key]));
    }
    console.log(`helm: ${key}`);
    await run('helm', helmArgs(p, key, valuesDir(repo), file), { timeoutMs: 12 * 60_000 });
  }
}

async function images(repo: string, cluster: string): Promise<void> {
  const base = `${IMAGE_REPOSITORY}:${RELEASES[0].tag}`;
  await run('docker', ['build', '--file', 'app/Dockerfile', '--tag', base, '.'], {
    cwd: repo,
    timeoutMs: 20 * 60_000,
  });
  for (const r of RELEASES) {
    if (r.tag !== RELEASES[0].tag)
      await run('docker', ['tag', base, `${IMAGE_REPOSITORY}:${r.tag}`]);
    await run('kind', ['load', 'docker-image', '--name', cluster, `${IMAGE_REPOSITORY}:${r.tag}`]);
  }
}

/** Commits a release and asks Flux to fetch and apply it now instead of at its next interval. */
async function release(tree: E2eTree, r: (typeof RELEASES)[number]): Promise<void> {
  await commitRelease(tree, r);
  const at = new Date().toISOString();
  for (const obj of [
    'gitrepository/flux-system',
    'kustomization/flux-system',
    'kustomization/apps',
  ]) {
    const args = ['-n', 'flux-system', 'annotate', '--overwrite', obj];
    await run('kubectl', [...args, `reconcile.fluxcd.io/requestedAt=${at}`]).catch(() => '');
  }
}

async function releases(repo: string): Promise<void> {
  const p: Platform = await platformOf(repo);
  const tree = await prepareTree(repo);
  const server = await startGitServer(tree.root, '0.0.0.0', 0);
  try {
    const host = dockerNetworkGateway(
      JSON.parse(await run('docker', ['network', 'inspect', 'kind'])) as unknown,
    );
    if (host === undefined)
      throw new DeployCheckError('E2E', 'no IPv4 gateway on the docker network "kind"');
    await release(tree, RELEASES[0]);
    const flux = p.releases.get('flux2');
    await run('helm', [
      'upgrade',
      '--install',
      'platform-bootstrap',
      join(repo, 'infra', 'modules', 'kubernetes', 'charts', 'platform-bootstrap'),
      '--namespace',
      flux?.namespace ?? 'flux-system',
      '--wait',
      '--set',
      `flux.url=http://${host}:${server.port}/served.git`,
      '--set',
      'flux.branch=main',
      '--set',
      `flux.path=./deploy/clusters/${KIND_CLUSTER}`,
      ...bootstrapGatewaySets(p),
    ]);
    let previous: string = RELEASES[0].tag;
    for (const [i, r] of RELEASES.entries()) {
      if (i > 0) await release(tree, r);
      const detail = await waitFor(
        `release ${r.tag} (${r.expect})`,
        async () =>
          releaseVerdict(r.expect, r.tag, previous, {
            canary: await kubectlJson(['-n', 'demo-app', 'get', 'canary', 'demo-app']).catch(
              () => undefined,
            ),
            primary: await kubectlJson([
              '-n',
              'demo-app',
              'get',
              'deployment',
              'demo-app-primary',
            ]).catch(() => undefined),
            apps: await kubectlJson(['-n', 'flux-system', 'get', 'kustomization', 'apps']).catch(
              () => undefined,
            ),
          }),
        25 * 60_000,
      );
      console.log(`PASS release ${r.tag}: ${r.expect}: ${detail}`);
      if (r.expect !== 'rolled-back') previous = r.tag;
    }
  } finally {
    await server.close();
  }
}

async function diagnose(): Promise<void> {
  for (const args of [
    ['get', 'kustomizations,gitrepositories', '-A'],
    ['-n', 'demo-app', 'get', 'canary,deploy,hpa,pods,svc,httproute', '-o', 'wide'],
    ['-n', 'demo-app', 'describe', 'canary', 'demo-app'],
    ['get', 'events', '-A', '--sort-by=.lastTimestamp'],
    ['-n', 'flagger-system', 'logs', 'deploy/flagger', '--tail=200'],
    ['-n', 'flagger-system', 'logs', 'deploy/flagger-loadtester', '--tail=100'],
  ]) {
    console.log(`$ kubectl ${args.join(' ')}`);
    console.log(await run('kubectl', args).catch((e: unknown) => String(e)));
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('deploy-check-e2e')
    .description('kind end-to-end test of deploy/ (see deploy/README.md)')
    .option('--repo <dir>', 'repository root', '.')
    .option('--cluster <name>', 'kind cluster name', 'demo-app-e2e')
    .exitOverride();
  const opts = () => program.opts<{ repo: string; cluster: string }>();
  program
    .command('chart-labels')
    .description("check platform.yaml's Prometheus labels against the rendered Flagger chart")
    .action(() => chartLabels(resolve(opts().repo)));
  program
    .command('install')
    .description('install the controllers from infra/modules/kubernetes/values')
    .action(() => install(resolve(opts().repo)));
  program
    .command('images')
    .description('build the app image and load its release tags into kind')
    .action(() => images(resolve(opts().repo), opts().cluster));
  program
    .command('releases')
    .description('let Flux apply deploy/, then release good (promoted) and bad (rolled back)')
    .action(() => releases(resolve(opts().repo)));
  program
    .command('diagnose')
    .description('print cluster state (after a failure)')
    .action(() => diagnose());
  await program.parseAsync([...argv], { from: 'user' });
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof Error && 'code' in e && String(e.code).startsWith('commander.')) {
    process.exitCode = String(e.code) === 'commander.helpDisplayed' ? 0 : 2;
    return;
  }
  console.error(e instanceof DeployCheckError ? `e2e: ${e.code}: ${e.message}` : e);
  process.exitCode = 1;
});
