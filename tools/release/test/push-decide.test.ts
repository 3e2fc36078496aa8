import { describe, expect, it } from 'vitest';
import { afterRefusal, place, type UpstreamView } from '../src/push/decide.js';

const PATH = 'deploy/clusters/eu-west-2/release-pin.yaml';
const view = (v: Partial<UpstreamView>): UpstreamView => ({
  base: 'a'.repeat(40),
  remote: 'b'.repeat(40),
  descends: true,
  changedPaths: [],
  remoteBlob: 'old',
  ...v,
});

describe('place', () => {
  it('pushes onto main when main did not move or moved without touching the file', () => {
    expect(place(view({ remote: 'a'.repeat(40) }), PATH, 'new')).toEqual({
      kind: 'push',
      onto: 'a'.repeat(40),
    });
    expect(
      place(
        view({ changedPaths: ['app/src/x.ts', 'deploy/clusters/eu-central-1/release-pin.yaml'] }),
        PATH,
        'new',
      ),
    ).toEqual({
      kind: 'push',
      onto: 'b'.repeat(40),
    });
  });

  it('is done when main already holds exactly this file', () => {
    expect(place(view({ changedPaths: [PATH], remoteBlob: 'new' }), PATH, 'new')).toEqual({
      kind: 'already',
      at: 'b'.repeat(40),
    });
  });

  it('stops when main changed the file otherwise (a hold, another pin): no text merge of pins', () => {
    const p = place(view({ changedPaths: [PATH], remoteBlob: 'held' }), PATH, 'new');
    expect(p.kind).toBe('stop');
    expect(p.kind === 'stop' && p.reason).toContain(`main changed ${PATH}`);
  });

  it('stops when main does not contain the checked-out commit', () => {
    const p = place(view({ descends: false }), PATH, 'new');
    expect(p.kind === 'stop' && p.reason).toContain('does not contain');
  });
});

describe('afterRefusal', () => {
  const r = {
    attempt: 1,
    maxAttempts: 3,
    remoteBefore: 'x',
    remoteAfter: 'y',
    stderr: ' ! [rejected] (fetch first)\n',
  };

  it('retries a race (main moved) while attempts remain', () => {
    expect(afterRefusal(r)).toEqual({ kind: 'retry' });
    expect(afterRefusal({ ...r, attempt: 3 })).toEqual({
      kind: 'stop',
      reason: expect.stringContaining('gave up after 3 attempts'),
    });
  });

  it('stops at once when main did not move (protection, permissions), quoting git', () => {
    const d = afterRefusal({
      ...r,
      remoteAfter: 'x',
      stderr: 'remote: error: GH006: Protected branch update failed',
    });
    expect(d.kind).toBe('stop');
    expect(d.kind === 'stop' && d.reason).toContain('GH006');
    expect(d.kind === 'stop' && d.reason).toContain('docs/branch-protection.md');
  });
});
