/**
 * Forged plan bundles at the merge (issue #11): the checksums inside a bundle prove only that it
 * agrees with itself, so each forgery here is self-consistent (its checksums recomputed) and comes
 * through the local GitHub REST stand-in as a real artifact. Every one is refused with the check
 * that failed named, and the terragrunt stand-in's call log shows nothing ran.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitBlobId } from '../src/cache/parse-cache.js';
import { createGitHubPort } from '../src/github/client.js';
import { parserTag } from '../src/hcl/parse.js';
import { applyPlans } from '../src/orchestrate/apply.js';
import { artifactName, type Manifest, planFileOf, sha256File } from '../src/plan/bundle.js';
import type { ApplyReport } from '../src/plan/summary.js';
import { E, infraTree, touchCommon } from './helpers/repo.js';
import { type AddArtifact, type GitHubServer, startGitHubServer } from './support/github-server.js';
import { P, PR_NUMBER, PrFlow } from './support/terragrunt-standin/pr-flow.js';

// One PR (both VPCs changed), planned and merged once; each test serves a different artifact.
let flow: PrFlow;
let server: GitHubServer;
beforeAll(async () => {
  flow = new PrFlow();
  await flow.mergedPr(touchCommon('vpc'));
});
afterAll(() => flow.cleanup());
beforeEach(async () => {
  server = await startGitHubServer();
  server.addPull({
    number: PR_NUMBER,
    headSha: flow.head,
    baseSha: flow.base,
    mergeCommitSha: flow.merge,
  });
});
afterEach(() => server.close());

/** The bundle's files, as the artifact zip holds them. */
function filesOf(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const abs = path.join(e.parentPath, e.name);
    out[path.relative(dir, abs).split(path.sep).join('/')] = new Uint8Array(readFileSync(abs));
  }
  return out;
}

let forged = 0;
/** A copy of the reviewed bundle with its manifest edited; plan files added, checksums redone. */
async function forge(edit: (m: Manifest) => void, addUnits: string[] = []): Promise<string> {
  const dir = path.join(flow.tmp, `forged-${++forged}`);
  cpSync(flow.bundle, dir, { recursive: true });
  const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  edit(m);
  for (const u of addUnits) writeFileSync(path.join(dir, planFileOf(u)), `{"forged":"${u}"}`);
  for (const [u, entry] of Object.entries(m.units)) {
    entry.sha256 = await sha256File(path.join(dir, entry.file));
    m.units[u] = entry;
  }
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

function serve(dir: string, over: Partial<AddArtifact> = {}): void {
  server.addArtifact({
    name: artifactName(flow.head),
    headSha: flow.head,
    runId: 11,
    files: filesOf(dir),
    ...over,
  });
}

function applyViaRest(): Promise<ApplyReport> {
  const github = createGitHubPort(
    {
      apiUrl: server.url,
      token: server.token,
      repository: server.repository,
      runId: undefined,
      eventPath: undefined,
    },
    { retries: 0 },
  );
  return applyPlans(
    {
      repoRoot: flow.repo.dir,
      mergeCommit: flow.merge,
      tree: 'infra',
      root: E,
      work: path.join(flow.tmp, `work-${forged}-${Date.now()}`),
      parallelism: 2,
    },
    { runner: flow.standin.runner(), github },
  );
}

async function refused(): Promise<string> {
  const r = await applyViaRest();
  expect(r.outcome.kind).toBe('refused');
  expect(r.rows).toEqual([]);
  expect(flow.applyCalls()).toEqual([]); // no bootstrap, apply, destroy or backend delete
  return r.outcome.kind === 'refused' ? r.outcome.message : '';
}

const unit = (region: string, name: string) => `${P}/${region}/${name}`;

/** A bundle whose manifest adds `unit` in a wave of its own, `destroy` resources destroyed. */
const forgeWithUnit = (kind: 'apply' | 'destroy', unit: string, destroy: number) =>
  forge(
    (m) => {
      const waves = kind === 'apply' ? m.applyWaves : m.destroyWaves;
      waves.push([unit]);
      m.units[unit] = {
        kind,
        wave: waves.length,
        file: planFileOf(unit),
        sha256: '0'.repeat(64),
        upstreamChanged: [],
        changes: { add: 0, change: 0, destroy, resources: [] },
      };
    },
    [unit],
  );

describe('infra-ci apply refuses forged bundles (local GitHub REST stand-in, terragrunt stand-in)', () => {
  it("another PR's artifact: uploaded by infra-pr for PR #4, with the merged PR's head SHA", async () => {
    serve(await forge((m) => Object.assign(m, { pr: 4 })), {
      pullRequests: [{ number: 4, baseRef: 'main' }],
    });
    const msg = await refused();
    expect(msg).toContain(`artifact not bound to PR #${PR_NUMBER}`);
    expect(msg).toContain('uploaded by run 11 for #4, not for the merged PR #3');
  });

  it('a run of infra-pr bound to this PR, but a manifest that names another PR', async () => {
    serve(await forge((m) => Object.assign(m, { pr: 4 })));
    expect(await refused()).toContain(
      'PR mismatch: the manifest is for PR #4, the merged PR is #3',
    );
  });

  it('a bundle from a run whose PR targets another base branch', async () => {
    serve(flow.bundle, { pullRequests: [{ number: PR_NUMBER, baseRef: 'release' }] });
    expect(await refused()).toContain(
      `uploaded by run 11 for PR #${PR_NUMBER} with base release, not main`,
    );
  });

  it('a merged PR whose base is another branch', async () => {
    server.close();
    server = await startGitHubServer();
    server.addPull({
      number: PR_NUMBER,
      headSha: flow.head,
      baseSha: flow.base,
      baseRef: 'release',
      mergeCommitSha: flow.merge,
    });
    serve(flow.bundle);
    expect(await refused()).toContain(
      `wrong base branch: PR #${PR_NUMBER} was merged into release, not main`,
    );
  });

  it('an artifact a push run (not a pull_request run) uploaded', async () => {
    serve(flow.bundle, { event: 'push', pullRequests: [] });
    expect(await refused()).toContain('uploaded by run 11, a push run, not a pull_request run');
  });

  it('a manifest with an extra unit the merge does not change (checksums redone)', async () => {
    const extra = unit('eu-central-1', 'eks');
    serve(await forgeWithUnit('apply', extra, 0));
    const msg = await refused();
    expect(msg).toContain('work list mismatch');
    expect(msg).toContain(`apply of ${extra}, which the merge does not change`);
  });

  it('a manifest with a missing unit', async () => {
    const dropped = unit('eu-west-2', 'vpc');
    serve(
      await forge((m) => {
        m.applyWaves = m.applyWaves
          .map((w) => w.filter((u) => u !== dropped))
          .filter((w) => w.length > 0);
        delete m.units[dropped];
      }),
    );
    expect(await refused()).toContain(`no apply plan for ${dropped}, which the merge changes`);
  });

  it('a destroy list naming a unit the merge keeps (and its state bucket)', async () => {
    const kept = unit('eu-central-1', 'eks');
    serve(await forgeWithUnit('destroy', kept, 9));
    expect(await refused()).toContain(`destroy of ${kept}, whose folder the merge does not delete`);
  });

  it('a re-plan skipped by a forged upstreamChanged is refused too', async () => {
    // Both VPCs changed and nothing depends on another changed unit here: claim an upstream.
    const u = unit('eu-west-2', 'vpc');
    serve(await forge((m) => m.units[u]?.upstreamChanged.push(unit('eu-central-1', 'vpc'))));
    expect(await refused()).toContain(`${u}: upstreamChanged [${unit('eu-central-1', 'vpc')}]`);
  });

  // Last: it applies. The control that the refusals above are about the forgery, not the setup.
  it('the reviewed bundle, from infra-pr for this PR into main, is applied', async () => {
    serve(flow.bundle);
    const r = await applyViaRest();
    expect(r.outcome).toEqual({ kind: 'applied' });
    expect(
      flow
        .applyCalls()
        .filter((c) => c.startsWith('apply'))
        .sort(),
    ).toEqual([unit('eu-central-1', 'vpc'), unit('eu-west-2', 'vpc')].map((u) => `apply ${u}`));
  });
});

// The cache boundary, end to end: a PR run whose parse cache was poisoned (here: the entry of the
// vpc units' terragrunt.hcl claims an empty file, so they seem not to read the changed
// _common/vpc.hcl) plans too few units. The merge recomputes the work list from git
// without any cache, so the bundle is refused, not half-applied.
describe('a plan made with a poisoned parse cache', () => {
  it('is refused at the merge: the work list is recomputed without the cache', async () => {
    const poisoned = new PrFlow();
    try {
      const cacheDir = path.join(poisoned.tmp, 'cache');
      const victim = `${P}/eu-west-2/vpc/terragrunt.hcl`;
      const content = infraTree()[victim] as string;
      const key = gitBlobId(content);
      const file = path.join(
        cacheDir,
        'hcl',
        createHash('sha1').update(parserTag()).digest('hex').slice(0, 12),
        key.slice(0, 2),
        `${key}.json`,
      );
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ tag: parserTag(), key, json: {} }));
      await poisoned.openPr(touchCommon('vpc'), cacheDir);
      // The poison worked on the PR side: the vpc units (same file content, same blob id, one
      // poisoned entry) seem not to read _common/vpc.hcl, so none was planned.
      expect(poisoned.manifest?.applyWaves.flat()).toEqual([]);
      poisoned.mergePr();
      const r = await poisoned.apply({ runId: undefined });
      expect(r.outcome.kind).toBe('refused');
      const msg = r.outcome.kind === 'refused' ? r.outcome.message : '';
      for (const region of ['eu-central-1', 'eu-west-2']) {
        expect(msg).toContain(`no apply plan for ${P}/${region}/vpc, which the merge changes`);
      }
      expect(poisoned.applyCalls()).toEqual([]);
    } finally {
      poisoned.cleanup();
    }
  });
});
