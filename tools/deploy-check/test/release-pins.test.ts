import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ClusterObjects, checkReleasePins } from '../src/checks/release-pins.js';
import { formatFinding, type RenderedObject } from '../src/model.js';
import { withDeployCopy } from './helpers.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

function configMap(
  cluster: string,
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): RenderedObject {
  return {
    kind: 'ConfigMap',
    name,
    namespace: 'flux-system',
    file: `deploy/clusters/${cluster}/${name}.yaml`,
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'flux-system', ...(annotations ? { annotations } : {}) },
      data,
    },
  };
}

const cluster = (
  name: string,
  role: string,
  digest: string | undefined,
  annotations?: Record<string, string>,
): ClusterObjects => ({
  cluster: name,
  objects: [
    configMap(name, 'cluster-vars', { DR_ROLE: role }),
    ...(digest === undefined
      ? []
      : [
          configMap(
            name,
            'release-pin',
            { DEMO_APP_DIGEST: digest, DEMO_APP_PINNED_AT: '2026-12-06T14:30:00Z' },
            annotations,
          ),
        ]),
  ],
});

const earlier = (...digests: string[]) => ({
  'release.demo-app.dev/earlier-digests': digests.join(' '),
});

describe('checkReleasePins', () => {
  it('accepts equal pins, and a primary behind the standby', () => {
    expect(
      checkReleasePins([cluster('p', 'primary', d('a')), cluster('s', 'standby', d('a'))]),
    ).toEqual([]);
    expect(
      checkReleasePins([
        cluster('p', 'primary', d('a')),
        cluster('s', 'standby', d('b'), earlier(d('c'), d('a'))),
      ]),
    ).toEqual([]);
  });

  it('reports a primary ahead of the standby', () => {
    const findings = checkReleasePins([
      cluster('p', 'primary', d('b')),
      cluster('s', 'standby', d('a'), earlier(d('c'))),
    ]);
    expect(findings.map(formatFinding)).toEqual([
      `deploy/clusters/p/release-pin.yaml: ConfigMap/release-pin data.DEMO_APP_DIGEST: p runs ${d('b')}, which the standby s never ran (it runs ${d('a')}): a region may not be ahead of the standby unless its pin has the annotation release.demo-app.dev/override with a reason (release promote --override) [release-pins]`,
    ]);
  });

  it('accepts a primary ahead of the standby when its pin has an override reason', () => {
    const override = { 'release.demo-app.dev/override': 'hotfix INC-7, standby down' };
    expect(
      checkReleasePins([
        cluster('p', 'primary', d('b'), override),
        cluster('s', 'standby', d('a')),
      ]),
    ).toEqual([]);
  });

  it('reports a pin without a valid pin time', () => {
    const c = cluster('s', 'standby', d('a'));
    const pin = c.objects[1] as RenderedObject;
    const data = (pin.object as { data: Record<string, string> }).data;
    data.DEMO_APP_PINNED_AT = '6 Dec 2026';
    expect(checkReleasePins([cluster('p', 'primary', d('a')), c]).map((f) => f.message)).toEqual([
      '"6 Dec 2026" is not a pin time (expected a quoted UTC time like "2026-12-06T14:30:00Z", written by tools/release)',
    ]);
  });

  it('reports a pin that is not a digest, and a cluster without a pin', () => {
    const findings = checkReleasePins([
      cluster('p', 'primary', 'latest'),
      cluster('q', 'primary', undefined),
      cluster('s', 'standby', d('a')),
    ]);
    expect(findings.map((f) => [f.file, f.field, f.message])).toEqual([
      [
        'deploy/clusters/p/release-pin.yaml',
        'data.DEMO_APP_DIGEST',
        '"latest" is not a digest (expected sha256:<64 hex>)',
      ],
      [
        'deploy/clusters/q',
        '',
        'cluster q has no release pin (ConfigMap flux-system/release-pin in its folder), other clusters do',
      ],
    ]);
  });

  it('needs exactly one standby, and is silent for trees without release pins', () => {
    expect(
      checkReleasePins([cluster('p', 'primary', d('a')), cluster('s', 'primary', d('a'))]).map(
        (f) => f.message,
      ),
    ).toEqual([
      "expected exactly one cluster with DR_ROLE: standby (the release train's first stage), found 0",
    ]);
    expect(checkReleasePins([cluster('p', 'primary', undefined)])).toEqual([]);
  });
});

describe('release pins in the repository tree', () => {
  it('reports the primary pinned ahead of the standby, and accepts it with an override', {
    timeout: 30_000,
  }, async () => {
    await withDeployCopy('deploy-check-pins-', async (root, run) => {
      const file = join(root, 'deploy/clusters/eu-central-1/release-pin.yaml');
      const pinned = (await readFile(file, 'utf8')).replace(
        /DEMO_APP_DIGEST: \S+/,
        `DEMO_APP_DIGEST: ${d('e')}`,
      );
      await writeFile(file, pinned);
      const ahead = (await run()).findings.filter((f) => f.check === 'release-pins');
      expect(ahead).toHaveLength(1);
      expect(ahead[0]).toMatchObject({
        file: 'deploy/clusters/eu-central-1/release-pin.yaml',
        message: expect.stringMatching(
          /^eu-central-1 runs sha256:e+, which the standby eu-west-2 never ran/,
        ),
      });
      await writeFile(
        file,
        pinned.replace(
          '  namespace: flux-system\n',
          '  namespace: flux-system\n  annotations:\n    release.demo-app.dev/override: "hotfix INC-7"\n',
        ),
      );
      expect((await run()).findings.map(formatFinding)).toEqual([]);
    });
  });
});
