/**
 * The pin commits with branch protection on (issue #20; docs/branch-protection.md): every job that
 * commits to main does it through .github/actions/push-pin with the pin App's credentials, no job
 * asks for `contents: write` (a protected main refuses GITHUB_TOKEN pushes anyway), the App's
 * token is minted for contents only, and the two image workflows share one queued concurrency group.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (f: string) => readFileSync(join(root, f), 'utf8');

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on?: { push?: { paths?: string[] } | null };
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean; queue?: string };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflows = readdirSync(join(root, '.github/workflows'))
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => ({ file: f, wf: parse(read(`.github/workflows/${f}`)) as Workflow }));

describe('pin commits', () => {
  const pins = workflows.flatMap(({ file, wf }) =>
    Object.entries(wf.jobs).flatMap(([id, job]) =>
      (job.steps ?? [])
        .filter((s) => s.uses === './.github/actions/push-pin')
        .map((s) => ({ where: `${file}:${id}`, s })),
    ),
  );

  it('go through push-pin with the pin App, from the three jobs that pin', () => {
    expect([...new Set(pins.map((p) => p.where))]).toEqual([
      'app-merge.yml:publish',
      'failover-image.yml:publish',
      'release-train.yml:signal',
      'release-train.yml:manual',
    ]);
    for (const { where, s } of pins) {
      // biome-ignore-start lint/suspicious/noTemplateCurlyInString: GitHub expressions
      expect(s.with?.['app-client-id'], where).toBe('${{ vars.PIN_APP_CLIENT_ID }}');
      expect(s.with?.['app-private-key'], where).toBe('${{ secrets.PIN_APP_PRIVATE_KEY }}');
      // biome-ignore-end lint/suspicious/noTemplateCurlyInString: GitHub expressions
      expect(s.with, where).not.toHaveProperty('token');
    }
  });

  it('push-pin mints a contents-only token after the builds and uses release push-pin', () => {
    const action = parse(read('.github/actions/push-pin/action.yml')) as {
      runs: { steps: (Step & { run?: string })[] };
    };
    const [mint, push] = action.runs.steps;
    expect(mint?.uses).toMatch(/^actions\/create-github-app-token@[0-9a-f]{40}$/);
    expect(Object.keys(mint?.with ?? {}).filter((k) => k.startsWith('permission-'))).toEqual([
      'permission-contents',
    ]);
    expect(mint?.with?.['permission-contents']).toBe('write');
    expect(push?.run).toMatch(/^node tools\/release\/dist\/cli\/release\.js push-pin /);
  });

  // An App token's push starts workflows (GITHUB_TOKEN's does not): a pin commit must match no
  // push-triggered workflow's path filter, or a pin would start a build that pins again.
  it('no push-triggered workflow runs for a pin commit (every one filters paths, none under deploy/)', () => {
    const glob = (g: string) =>
      new RegExp(
        `^${g
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*/g, '.*')
          .replace(/(?<!\.)\*/g, '[^/]*')}$`,
      );
    const pinned = [
      'deploy/clusters/eu-west-2/release-pin.yaml',
      'deploy/clusters/eu-central-1/release-pin.yaml',
      'deploy/apps/failover-controller/kustomization.yaml',
    ];
    const triggered = workflows
      .filter(({ wf }) => wf.on !== undefined && 'push' in wf.on)
      .flatMap(({ file, wf }) => {
        const paths = wf.on?.push?.paths;
        if (paths === undefined) return [`${file}: no paths filter`];
        return pinned.filter((p) => paths.some((g) => glob(g).test(p))).map((p) => `${file}: ${p}`);
      });
    expect(triggered).toEqual([]);
  });

  it('no job asks GITHUB_TOKEN for contents: write', () => {
    const writers = workflows.flatMap(({ file, wf }) => [
      ...(wf.permissions?.contents === 'write' ? [file] : []),
      ...Object.entries(wf.jobs)
        .filter(([, j]) => j.permissions?.contents === 'write')
        .map(([id]) => `${file}:${id}`),
    ]);
    expect(writers).toEqual([]);
  });

  it('the two image workflows share one queued concurrency group, never cancelled', () => {
    const groups = ['app-merge.yml', 'failover-image.yml'].map(
      (f) => workflows.find((w) => w.file === f)?.wf.concurrency,
    );
    for (const g of groups) {
      expect(g).toEqual({ group: 'pin-main', 'cancel-in-progress': false, queue: 'max' });
    }
  });
});
