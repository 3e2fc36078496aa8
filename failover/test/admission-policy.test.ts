/**
 * The ValidatingAdmissionPolicy that limits the controller's writes to demo-app-dr-overrides
 * (deploy/apps/failover-controller/admission-policy.yaml), its CEL evaluated with @bufbuild/cel
 * against the objects an UPDATE/CREATE would carry. Kubernetes binds `object`, `oldObject` (null on
 * CREATE) and `request`; the expressions here use only standard CEL (has, in, all, matches).
 */
import { readFileSync } from 'node:fs';
import { run } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const file = new URL(
  '../../deploy/apps/failover-controller/admission-policy.yaml',
  import.meta.url,
);
const [policy, binding] = parseAllDocuments(readFileSync(file, 'utf8')).map(
  (d) => d.toJS() as Record<string, unknown>,
);
const spec = (policy as { spec: Record<string, unknown> }).spec as {
  matchConditions: { expression: string }[];
  validations: { expression: string; message: string }[];
};

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
/** CEL maps are JS Maps in @bufbuild/cel. */
const toCel = (v: Json): unknown =>
  v === null || typeof v !== 'object'
    ? v
    : Array.isArray(v)
      ? v.map(toCel)
      : new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));

const cm = (data: Record<string, string>, extra: Record<string, Json> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'demo-app-dr-overrides', namespace: 'flux-system' },
  data,
  ...extra,
});

/** The messages of the validations that reject `object` (old: `oldObject`, null on CREATE). */
function rejected(object: Json, oldObject: Json): string[] {
  const vars = { object: toCel(object), oldObject: toCel(oldObject) } as Parameters<typeof run>[1];
  return spec.validations.filter((v) => run(v.expression, vars) !== true).map((v) => v.message);
}

describe('ValidatingAdmissionPolicy for demo-app-dr-overrides (issue #14)', () => {
  const flux = { DR_MODE: 'standby', OWNER: 'flux' };

  it('is bound with Deny and matches only the controller service account', () => {
    expect(binding).toMatchObject({
      kind: 'ValidatingAdmissionPolicyBinding',
      spec: { policyName: 'failover-controller-dr-overrides', validationActions: ['Deny'] },
    });
    const match = (username: string) =>
      run(spec.matchConditions[0]?.expression ?? 'false', {
        request: toCel({ userInfo: { username } }),
      } as Parameters<typeof run>[1]);
    expect(match('system:serviceaccount:failover-system:failover-controller')).toBe(true);
    expect(match('system:serviceaccount:flux-system:kustomize-controller')).toBe(false);
  });

  it('admits what the controller writes: failed-over with a floor, back to standby, a create', () => {
    expect(
      rejected(cm({ ...flux, DR_MODE: 'failed-over', HPA_MIN_REPLICAS: '3' }), cm(flux)),
    ).toEqual([]);
    expect(
      rejected(cm(flux), cm({ ...flux, DR_MODE: 'failed-over', HPA_MIN_REPLICAS: '3' })),
    ).toEqual([]);
    expect(rejected(cm({ DR_MODE: 'failed-over', HPA_MIN_REPLICAS: '4' }), null)).toEqual([]);
  });

  it('rejects any other key, value or removal', () => {
    expect(rejected(cm({ ...flux, DEMO_APP_DIGEST: 'sha256:evil' }), cm(flux))).toEqual([
      'the failover controller may only change DR_MODE and HPA_MIN_REPLICAS',
    ]);
    expect(rejected(cm({ ...flux, OWNER: 'me' }), cm(flux))).toEqual([
      'the failover controller may only change DR_MODE and HPA_MIN_REPLICAS',
    ]);
    expect(rejected(cm({ DR_MODE: 'standby' }), cm(flux))).toEqual([
      'the failover controller may not remove keys it does not own',
    ]);
    expect(rejected(cm({ ...flux, DR_MODE: 'rogue' }), cm(flux))).toEqual([
      'DR_MODE must be standby or failed-over',
    ]);
    expect(rejected(cm({ ...flux, HPA_MIN_REPLICAS: '1000' }), cm(flux))).toEqual([
      'HPA_MIN_REPLICAS must be an integer from 1 to 99',
    ]);
    expect(rejected(cm(flux, { binaryData: { x: 'AA==' } }), cm(flux))).toEqual([
      'the failover controller may not write binaryData',
    ]);
  });
});
