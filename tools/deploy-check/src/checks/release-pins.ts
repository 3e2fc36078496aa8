import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { get, str, stringMap } from '../object-access.js';

/**
 * The release train's pins (tools/release/README.md): each cluster folder holds the ConfigMap
 * `flux-system/release-pin` whose `DEMO_APP_DIGEST` Flux substitutes into the app. The annotation
 * names are the release tool's (tools/release/src/train/pin-file.ts).
 */
const PIN = {
  namespace: 'flux-system',
  name: 'release-pin',
  key: 'DEMO_APP_DIGEST',
  pinnedAt: 'DEMO_APP_PINNED_AT',
};
/** UTC to the second, what CEL's timestamp() parses in the apps health expression. */
const PINNED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const OVERRIDE = 'release.demo-app.dev/override';
const EARLIER = 'release.demo-app.dev/earlier-digests';
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface ClusterObjects {
  readonly cluster: string;
  readonly objects: readonly RenderedObject[];
}

interface Pin {
  readonly cluster: string;
  readonly obj: RenderedObject;
  readonly digest: string;
  readonly role: string | undefined;
}

const inFolder = (c: ClusterObjects, name: string) =>
  c.objects.find(
    (o) =>
      o.appliedBy === undefined &&
      o.kind === 'ConfigMap' &&
      o.namespace === PIN.namespace &&
      o.name === name,
  );

/** `data.<key>` of the pin, and a finding when it does not match `re` ("… is not <what>"). Pure. */
function dataField(
  obj: RenderedObject,
  key: string,
  re: RegExp,
  what: string,
): { value: string; finding?: Finding } {
  const value = str(get(obj.object, 'data', key)) ?? '';
  if (re.test(value)) return { value };
  return {
    value,
    finding: findingFor('release-pins', obj, `data.${key}`, `"${value}" is not ${what}`),
  };
}

/**
 * Every region pinned by digest (with the time it was pinned), and no region ahead of the standby: a region other than the
 * standby (cluster-vars `DR_ROLE: standby`) must run the standby's digest or one the standby ran
 * before (its `earlier-digests`), unless its pin carries an override reason. Silent for trees
 * without any release pin (the image-digest check still applies there). Pure.
 */
export function checkReleasePins(clusters: readonly ClusterObjects[]): Finding[] {
  const withPin = clusters.map((c) => ({ c, obj: inFolder(c, PIN.name) }));
  if (withPin.every((p) => p.obj === undefined)) return [];
  const findings: Finding[] = [];
  const pins: Pin[] = [];
  for (const { c, obj } of withPin) {
    if (obj === undefined) {
      findings.push({
        check: 'release-pins',
        file: `deploy/clusters/${c.cluster}`,
        kind: 'ConfigMap',
        name: PIN.name,
        field: '',
        message: `cluster ${c.cluster} has no release pin (ConfigMap ${PIN.namespace}/${PIN.name} in its folder), other clusters do`,
      });
      continue;
    }
    const digest = dataField(obj, PIN.key, DIGEST, 'a digest (expected sha256:<64 hex>)');
    if (digest.finding !== undefined) {
      findings.push(digest.finding);
      continue;
    }
    const pinnedAt = dataField(
      obj,
      PIN.pinnedAt,
      PINNED_AT,
      'a pin time (expected a quoted UTC time like "2026-12-06T14:30:00Z", written by tools/release)',
    );
    if (pinnedAt.finding !== undefined) findings.push(pinnedAt.finding);
    const role = stringMap(get(inFolder(c, 'cluster-vars')?.object, 'data')).DR_ROLE;
    pins.push({ cluster: c.cluster, obj, digest: digest.value, role });
  }
  const standbys = pins.filter((p) => p.role === 'standby');
  const [standby] = standbys;
  if (standbys.length !== 1 || standby === undefined) {
    if (pins.length > 0 && findings.length === 0) {
      findings.push({
        check: 'release-pins',
        file: 'deploy/clusters',
        kind: 'ConfigMap',
        name: 'cluster-vars',
        field: 'data.DR_ROLE',
        message: `expected exactly one cluster with DR_ROLE: standby (the release train's first stage), found ${standbys.length}`,
      });
    }
    return findings;
  }
  const annotations = (o: RenderedObject) => stringMap(get(o.object, 'metadata', 'annotations'));
  const ran = new Set([
    standby.digest,
    ...(annotations(standby.obj)[EARLIER] ?? '').split(/\s+/).filter((d) => d !== ''),
  ]);
  for (const p of pins) {
    if (p === standby || ran.has(p.digest)) continue;
    if ((annotations(p.obj)[OVERRIDE] ?? '').trim() !== '') continue;
    findings.push(
      findingFor(
        'release-pins',
        p.obj,
        `data.${PIN.key}`,
        `${p.cluster} runs ${p.digest}, which the standby ${standby.cluster} never ran (it runs ${standby.digest}): a region may not be ahead of the standby unless its pin has the annotation ${OVERRIDE} with a reason (release promote --override)`,
      ),
    );
  }
  return findings;
}
