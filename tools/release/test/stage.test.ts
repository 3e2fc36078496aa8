import { describe, expect, it } from 'vitest';
import { decideStage } from '../src/train/stage.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const standby = {
  digest: d('a'),
  pinnedAt: '2026-12-01T10:00:00Z',
  hold: undefined,
  override: undefined,
  earlier: [],
};
const normal = { kind: 'normal', reasons: [] } as const;
const input = { standbyRegion: 'eu-west-2', digest: d('b'), standby, failover: normal };

describe('decideStage', () => {
  it('pins a new digest in the standby', () => {
    expect(decideStage(input).kind).toBe('pin');
  });
  it('ignores the digest already pinned', () => {
    expect(decideStage({ ...input, digest: d('a') }).kind).toBe('ignore');
  });
  it('pauses a held standby', () => {
    expect(decideStage({ ...input, standby: { ...standby, hold: 'game day' } })).toEqual({
      kind: 'pause',
      reasons: ['eu-west-2 is held: game day'],
    });
  });
  it('pauses while failed over or when that cannot be told', () => {
    const failedOver = { kind: 'failed-over', reasons: ['standby dial is 100'] } as const;
    expect(decideStage({ ...input, failover: failedOver }).reasons[0]).toMatch(
      /serves all traffic, a new release there is no canary/,
    );
    expect(decideStage({ ...input, failover: { kind: 'unknown', reasons: [] } }).kind).toBe(
      'pause',
    );
  });
});
