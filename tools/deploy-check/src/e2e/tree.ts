import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.js';
import {
  e2eOverlay,
  KIND_CLUSTER,
  kindApps,
  kindClusterVars,
  kindReleasePin,
  type RELEASES,
  withFaultErrorRate,
} from './gitops.js';

/**
 * The Git repository the kind cluster's Flux follows, on disk: `<root>/served.git` (bare, what the
 * Git server serves) and `<root>/work` (where releases are committed). No cluster needed: tested
 * offline (test/e2e.test.ts).
 */
export interface E2eTree {
  readonly root: string;
  readonly work: string;
  readonly served: string;
}

/** Copies `<repo>/deploy` and adds the generated `deploy/clusters/kind`. */
export async function prepareTree(repo: string): Promise<E2eTree> {
  const root = await mkdtemp(join(tmpdir(), 'e2e-git-'));
  const work = join(root, 'work');
  const served = join(root, 'served.git');
  await run('git', ['init', '-q', '--bare', '-b', 'main', served]);
  await cp(join(repo, 'deploy'), join(work, 'deploy'), { recursive: true });
  const kind = join(work, 'deploy', 'clusters', KIND_CLUSTER);
  const primary = join(repo, 'deploy', 'clusters', 'eu-central-1');
  await mkdir(kind, { recursive: true });
  await cp(join(primary, 'notifications.yaml'), join(kind, 'notifications.yaml'));
  await writeFile(join(kind, 'cluster-vars.yaml'), kindClusterVars());
  await writeFile(
    join(kind, 'apps.yaml'),
    kindApps(await readFile(join(primary, 'apps.yaml'), 'utf8')),
  );
  await run('git', ['init', '-q', '-b', 'main'], { cwd: work });
  await run('git', ['remote', 'add', 'origin', served], { cwd: work });
  return { root, work, served };
}

/**
 * Writes one release (image tag, FAULT_ERROR_RATE, the pin time), commits it and pushes it to
 * served.git.
 */
export async function commitRelease(
  tree: E2eTree,
  release: (typeof RELEASES)[number],
  pinnedAt: Date = new Date(),
): Promise<void> {
  const appConfig = join(tree.work, 'deploy', 'apps', 'production', 'app-config.yaml');
  await writeFile(
    appConfig,
    withFaultErrorRate(await readFile(appConfig, 'utf8'), release.faultErrorRate),
  );
  const pin = join(tree.work, 'deploy', 'clusters', KIND_CLUSTER, 'release-pin.yaml');
  await writeFile(pin, kindReleasePin(pinnedAt));
  const overlay = join(tree.work, 'deploy', 'apps', 'e2e');
  await mkdir(overlay, { recursive: true });
  await writeFile(join(overlay, 'kustomization.yaml'), e2eOverlay(release.tag));
  const git = (args: string[]) =>
    run('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@localhost', ...args], {
      cwd: tree.work,
    });
  await git(['add', '-A']);
  await git(['commit', '-qm', `release ${release.tag}`]);
  await git(['push', '-q', 'origin', 'HEAD:main']);
}
