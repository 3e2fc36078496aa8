import { describe, expect, it } from 'vitest';
import { decidePromotion, type PromotionInput } from '../src/train/decide.js';
import type { FailoverState } from '../src/train/failover.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const OLD = d('a');
const NEW = d('b');
const OTHER = d('c');
const sha = (c: string) => c.repeat(40);
const CONTEXT = 'kustomization/apps/0c9c2e41';
const NORMAL: FailoverState = { kind: 'normal', reasons: ['dials primary 100 / standby 0'] };

/** main: HEAD=sha('3') → sha('2') → sha('1') (the commit that pinned NEW in the standby). */
const base: PromotionInput = {
  standbyRegion: 'eu-west-2',
  primaryRegion: 'eu-central-1',
  expectedContext: CONTEXT,
  expectedCreator: 'flux-bot',
  sha: sha('1'),
  signal: {
    sha: sha('1'),
    context: CONTEXT,
    state: 'success',
    description: 'reconciliation succeeded',
    creator: 'flux-bot',
  },
  history: [
    { sha: sha('3'), standbyDigest: NEW },
    { sha: sha('2'), standbyDigest: NEW },
    { sha: sha('1'), standbyDigest: NEW },
  ],
  standby: {
    digest: NEW,
    pinnedAt: '2026-12-06T10:00:00Z',
    hold: undefined,
    override: undefined,
    earlier: [OLD],
  },
  primary: {
    digest: OLD,
    pinnedAt: '2026-12-01T10:00:00Z',
    hold: undefined,
    override: undefined,
    earlier: [],
  },
  failover: NORMAL,
};
const withSignal = (s: Partial<NonNullable<PromotionInput['signal']>>): PromotionInput => ({
  ...base,
  signal: { ...(base.signal as NonNullable<PromotionInput['signal']>), ...s },
});

describe('decidePromotion', () => {
  it('promotes the primary to the standby digest on a verified success', () => {
    const decision = decidePromotion(base);
    expect(decision).toMatchObject({ kind: 'promote', digest: NEW });
    expect(decision.reasons[0]).toMatch(/eu-west-2 reported success for sha256:b+ at 111111111111/);
  });

  it('rejects a signal for the wrong digest (the commit pinned another digest)', () => {
    const decision = decidePromotion({
      ...base,
      history: [
        { sha: sha('3'), standbyDigest: NEW },
        { sha: sha('1'), standbyDigest: OTHER },
      ],
    });
    expect(decision.kind).toBe('reject');
    expect(decision.reasons[0]).toContain(`was pinned to ${OTHER}; it is pinned to ${NEW} now`);
  });

  it('rejects a stale signal: same digest, but the pin changed in between (A -> B -> A)', () => {
    const decision = decidePromotion({
      ...base,
      history: [
        { sha: sha('3'), standbyDigest: NEW },
        { sha: sha('2'), standbyDigest: OTHER },
        { sha: sha('1'), standbyDigest: NEW },
      ],
    });
    expect(decision.kind).toBe('reject');
    expect(decision.reasons[0]).toMatch(
      /^stale: eu-west-2 was pinned to sha256:c+ at 222222222222/,
    );
  });

  it('rejects a commit that is not in main history', () => {
    expect(decidePromotion({ ...base, history: undefined })).toMatchObject({
      kind: 'reject',
      reasons: [expect.stringMatching(/not in main's first-parent history/)],
    });
  });

  it('rejects a status created by anyone but the Flux identity', () => {
    const decision = decidePromotion(withSignal({ creator: 'github-actions[bot]' }));
    expect(decision.kind).toBe('reject');
    expect(decision.reasons[0]).toMatch(/created by "github-actions\[bot\]"/);
  });

  it.each(['failure', 'error'] as const)(
    'stops the train when the standby rolled back (%s) and leaves the primary alone',
    (state) => {
      const decision = decidePromotion(withSignal({ state, description: 'health check failed' }));
      expect(decision).toEqual({
        kind: 'stop',
        digest: NEW,
        reasons: [
          `eu-west-2 reported "${state}" (health check failed) for ${NEW}`,
          `eu-central-1 stays at ${OLD}`,
        ],
      });
    },
  );

  it('promotes a rollback of the standby to an earlier digest like any other release', () => {
    const decision = decidePromotion({
      ...base,
      history: [{ sha: sha('1'), standbyDigest: OLD }],
      standby: { ...base.standby, digest: OLD, earlier: [NEW] },
      primary: { ...base.primary, digest: NEW },
    });
    expect(decision).toMatchObject({ kind: 'promote', digest: OLD });
  });

  it('pauses while failed over and says why', () => {
    const decision = decidePromotion({
      ...base,
      failover: { kind: 'failed-over', reasons: ['standby dial is 100 (0 when not failed over)'] },
    });
    expect(decision).toEqual({
      kind: 'pause',
      digest: NEW,
      reasons: [
        'failed over: eu-west-2 serves traffic, so its canary was no low-risk first stage',
        'standby dial is 100 (0 when not failed over)',
      ],
    });
  });

  it('pauses when the failover state is unknown (fail closed)', () => {
    const decision = decidePromotion({
      ...base,
      failover: {
        kind: 'unknown',
        reasons: ['primary endpoint group: no DescribeEndpointGroup output'],
      },
    });
    expect(decision.kind).toBe('pause');
    expect(decision.reasons[0]).toBe('cannot tell whether the platform is failed over');
  });

  it('pauses when the primary is held', () => {
    const decision = decidePromotion({
      ...base,
      primary: { ...base.primary, hold: 'INC-42 freeze' },
    });
    expect(decision).toEqual({
      kind: 'pause',
      digest: NEW,
      reasons: ['eu-central-1 is held: INC-42 freeze'],
    });
  });

  it('still stops on a failure while the primary is held (the failure is news)', () => {
    const decision = decidePromotion({
      ...withSignal({ state: 'failure' }),
      primary: { ...base.primary, hold: 'freeze' },
    });
    expect(decision.kind).toBe('stop');
  });

  it('ignores a success that is no verdict: Flux\'s info event "dependency not ready"', () => {
    // kustomize-controller emits an info event (reason DependencyNotReady) while apps waits for
    // flux-system; the github notifier turns every info event into state success.
    const decision = decidePromotion(withSignal({ description: 'dependency not ready' }));
    expect(decision).toEqual({
      kind: 'ignore',
      reasons: [
        'status on 111111111111 is "success" with description "dependency not ready", not "reconciliation succeeded": no verdict yet',
      ],
    });
  });

  it('ignores a pending status, another context, no status, and an already promoted primary', () => {
    expect(decidePromotion(withSignal({ state: 'pending' })).kind).toBe('ignore');
    expect(decidePromotion(withSignal({ context: 'kustomization/apps/9f8e7d6c' })).kind).toBe(
      'ignore',
    );
    expect(decidePromotion({ ...base, signal: undefined }).kind).toBe('ignore');
    expect(decidePromotion({ ...base, primary: { ...base.primary, digest: NEW } })).toEqual({
      kind: 'ignore',
      reasons: [`eu-central-1 already runs ${NEW}`],
    });
  });
});
