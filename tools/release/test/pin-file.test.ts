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
`;
const F = 'deploy/clusters/eu-west-2/release-pin.yaml';

describe('readPin', () => {
  it('reads the digest and no hold, override or history', () => {
    expect(readPin(PIN, F)).toEqual({
      digest: d('a'),
      hold: undefined,
      override: undefined,
      earlier: [],
    });
  });

  it.each([
    [PIN.replace(d('a'), 'latest'), /data.DEMO_APP_DIGEST must be "sha256:"/],
    [PIN.replace('release-pin', 'other'), /expected the ConfigMap "release-pin"/],
    ['a: [', /not valid YAML/],
  ])('refuses a bad file (%#)', (text, message) => {
    expect(() => readPin(text, F)).toThrow(message);
  });
});

describe('updatePin', () => {
  it('changes the digest, keeps the comment, remembers the earlier digest', () => {
    const r = updatePin(PIN, F, { digest: d('b'), rememberEarlier: true });
    expect(r.changed).toBe(true);
    expect(r.text.startsWith("# The release train's pin for eu-west-2.\n")).toBe(true);
    expect(r.after).toEqual({
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
      text = updatePin(text, F, { digest: n(i), rememberEarlier: true }).text;
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

  it('refuses an empty reason and a malformed digest', () => {
    expect(() => updatePin(PIN, F, { hold: ' ' })).toThrow(/non-empty reason/);
    expect(() => updatePin(PIN, F, { digest: 'sha256:abc' })).toThrow(/--digest: expected/);
  });
});
