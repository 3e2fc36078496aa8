import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  changesFromPlanJson,
  type Manifest,
  planFileOf,
  readManifest,
  sameResources,
  sha256File,
  slug,
  verifyChecksums,
  writeManifest,
} from '../src/plan/bundle.js';

const U = 'infra/environments/prod/eu-central-1/vpc';
const H = 'a'.repeat(40);

function manifest(sha256: string): Manifest {
  return {
    version: 1,
    pr: 12,
    headSha: H,
    baseSha: 'b'.repeat(40),
    mergeBase: 'c'.repeat(40),
    infraTree: 'd'.repeat(40),
    terraformVersion: '1.9.8',
    terragruntVersion: '0.83.2',
    createdAt: '2026-11-27T00:00:00.000Z',
    applyWaves: [[U]],
    destroyWaves: [],
    moved: [],
    units: {
      [U]: {
        kind: 'apply',
        wave: 1,
        file: planFileOf(U),
        sha256,
        upstreamChanged: [],
        changes: { add: 1, change: 0, destroy: 0, resources: [] },
      },
    },
  };
}

describe('terraform JSON plan -> resource changes', () => {
  it('drops no-op and read, sorts by address, counts a replace as add + destroy', () => {
    const c = changesFromPlanJson({
      resource_changes: [
        { address: 'b.x', change: { actions: ['update'] } },
        { address: 'a.noop', change: { actions: ['no-op'] } },
        { address: 'data.a.read', change: { actions: ['read'] } },
        { address: 'a.replace', change: { actions: ['delete', 'create'] } },
        { address: 'c.new', change: { actions: ['create'] } },
      ],
    });
    expect(c).toEqual({
      add: 2,
      change: 1,
      destroy: 1,
      resources: [
        { address: 'a.replace', actions: ['delete', 'create'] },
        { address: 'b.x', actions: ['update'] },
        { address: 'c.new', actions: ['create'] },
      ],
    });
  });

  it('a plan without resource_changes has no changes', () => {
    expect(changesFromPlanJson({ format_version: '1.2' })).toEqual({
      add: 0,
      change: 0,
      destroy: 0,
      resources: [],
    });
  });

  it('compares address + actions, whatever the order', () => {
    const a = [
      { address: 'x', actions: ['create'] },
      { address: 'y', actions: ['update'] },
    ];
    expect(sameResources(a, [...a].reverse())).toBe(true);
    expect(sameResources(a, [a[0] as never, { address: 'y', actions: ['delete', 'create'] }])).toBe(
      false,
    );
    expect(sameResources(a, a.slice(1))).toBe(false);
  });
});

describe('plan bundle on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('slugs unit ids into one file name per unit', () => {
    expect(slug(U)).toBe('infra__environments__prod__eu-central-1__vpc');
    expect(planFileOf(U)).toBe('units/infra__environments__prod__eu-central-1__vpc.tfplan');
  });

  it('writes a manifest that reads back, and verifies each plan file checksum', async () => {
    mkdirSync(path.join(dir, 'units'));
    writeFileSync(path.join(dir, planFileOf(U)), 'plan bytes');
    const m = manifest(await sha256File(path.join(dir, planFileOf(U))));
    await writeManifest(dir, m);
    expect(await readManifest(dir)).toEqual({ ok: true, manifest: m });
    expect(await verifyChecksums(dir, m)).toEqual([]);
    writeFileSync(path.join(dir, planFileOf(U)), 'tampered');
    const bad = await verifyChecksums(dir, m);
    expect(bad.map((b) => b.unit)).toEqual([U]);
    expect(bad[0]?.actual).toMatch(/^[0-9a-f]{64}$/);
    rmSync(path.join(dir, planFileOf(U)));
    expect((await verifyChecksums(dir, m))[0]?.actual).toBeUndefined();
  });

  it('says why a manifest is not usable: missing, not JSON, wrong shape', async () => {
    expect(await readManifest(dir)).toEqual({
      ok: false,
      problem: expect.stringContaining('manifest.json is missing'),
    });
    writeFileSync(path.join(dir, 'manifest.json'), '{nope');
    expect(await readManifest(dir)).toMatchObject({ problem: expect.stringContaining('not JSON') });
    const m = manifest('e'.repeat(64));
    const entry = m.units[U];
    if (entry) entry.file = '../../etc/passwd';
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
    expect(await readManifest(dir)).toMatchObject({
      problem: expect.stringContaining(`units.${U}.file: units/<slug>.tfplan`),
    });
  });

  it('rejects a wave listing a unit without a matching entry', async () => {
    const m = manifest('e'.repeat(64));
    m.applyWaves = [[U], ['infra/environments/prod/eu-central-1/eks']];
    await writeManifest(dir, m);
    expect(await readManifest(dir)).toMatchObject({
      problem: expect.stringContaining(
        'apply wave 2 lists infra/environments/prod/eu-central-1/eks',
      ),
    });
  });
});
