import { describe, expect, it } from 'vitest';
import { readPin, updatePin } from '../src/train/pin-file.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const PIN = `# The release train's pin for eu-west-2.
apiVersion: v1
kind: ConfigMap
metadata:
  name: release-pin
  namespace: flux-system
data:
  DEMO_APP_DIGEST: ${d('a')}
  DEMO_APP_PINNED_AT: "2026-12-01T00:00:00Z"
`;
const AT = '2026-12-06T14:30:00Z';
const F = 'deploy/clusters/eu-west-2/release-pin.yaml';

describe('readPin', () => {
  it('reads the digest and no hold, override or history', () => {
    expect(readPin(PIN, F)).toEqual({
      digest: d('a'),
      pinnedAt: '2026-12-01T00:00:00Z',
      hold: undefined,
      override: undefined,
      earlier: [],
    });
  });

  it.each([
    [PIN.replace(d('a'), 'latest'), /data.DEMO_APP_DIGEST must be "sha256:"/],
    [PIN.replace('release-pin', 'other'), /expected the ConfigMap "release-pin"/],
    [PIN.replace('2026-12-01T00:00:00Z', '1 Dec 2026'), /DEMO_APP_PINNED_AT must be a UTC time/],
    ['a: [', /not valid YAML/],
  ])('refuses a bad file (%#)', (text, message) => {
    expect(() => readPin(text, F)).toThrow(message);
  });
});

describe('updatePin', () => {
  it('changes the digest and its pin time, keeps the comment, remembers the earlier digest', () => {
    const r = updatePin(PIN, F, { digest: d('b'), pinnedAt: AT, rememberEarlier: true });
    expect(r.changed).toBe(true);
    expect(r.text.startsWith("# The release train's pin for eu-west-2.\n")).toBe(true);
    // Quoted, so no YAML 1.1 reader (kustomize) takes it for a timestamp in a ConfigMap's data.
    expect(r.text).toContain(`DEMO_APP_PINNED_AT: "${AT}"`);
    expect(r.after).toEqual({
      pinnedAt: AT,
      digest: d('b'),
      hold: undefined,
      override: undefined,
      earlier: [d('a')],
    });
  });

  it('keeps at most 10 earlier digests, newest first, without duplicates', () => {
    const n = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;
    let text = PIN;
    // 1..12, then 5 again: 5 moves to the front instead of appearing twice.
    for (const i of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 5]) {
      text = updatePin(text, F, { digest: n(i), pinnedAt: AT, rememberEarlier: true }).text;
    }
    const pin = readPin(text, F);
    expect(pin.digest).toBe(n(5));
    expect(pin.earlier).toEqual([12, 11, 10, 9, 8, 7, 6, 4, 3, 2].map(n));
  });

  it('holds and releases a region, and is a no-op when nothing changes', () => {
    const held = updatePin(PIN, F, { hold: 'INC-42' });
    expect(held.after.hold).toBe('INC-42');
    expect(held.text).toContain('release.demo-app.dev/hold: INC-42');
    const released = updatePin(held.text, F, { hold: null });
    expect(released.after.hold).toBeUndefined();
    expect(released.text).not.toContain('annotations');
    expect(updatePin(PIN, F, { digest: d('a'), hold: null })).toMatchObject({
      changed: false,
      text: PIN,
    });
  });

  it('needs a pin time with a new digest, and keeps it when only the hold changes', () => {
    expect(() => updatePin(PIN, F, { digest: d('b') })).toThrow(/a new digest needs its pin time/);
    expect(updatePin(PIN, F, { hold: 'x', pinnedAt: AT }).after.pinnedAt).toBe(
      '2026-12-01T00:00:00Z',
    );
  });

  it('refuses an empty reason and a malformed digest', () => {
    expect(() => updatePin(PIN, F, { hold: ' ' })).toThrow(/non-empty reason/);
    expect(() => updatePin(PIN, F, { digest: 'sha256:abc', pinnedAt: AT })).toThrow(
      /--digest: expected/,
    );
  });
});
