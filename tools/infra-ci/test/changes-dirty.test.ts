import { describe, expect, it } from 'vitest';
import { dirtyWarning, parseStatusZ } from '../src/changes/dirty.js';

describe('uncommitted changes (git status --porcelain=v1 -z)', () => {
  it('reads modified, staged, untracked and renamed entries; a rename source is skipped', () => {
    const out = ' M a/x.hcl\0A  a/new.hcl\0?? a/u.hcl\0R  a/to.hcl\0a/from.hcl\0';
    expect(parseStatusZ(out)).toEqual(['a/x.hcl', 'a/new.hcl', 'a/u.hcl', 'a/to.hcl']);
    expect(parseStatusZ('')).toEqual([]);
  });

  it('warns with a count and at most five paths; nothing when clean', () => {
    expect(dirtyWarning([], 'infra')).toBeUndefined();
    const w = dirtyWarning(['1', '2', '3', '4', '5', '6', '7'], 'infra/environments');
    expect(w).toContain(
      '7 uncommitted change(s) under infra/environments (1, 2, 3, 4, 5 and 2 more)',
    );
    expect(w?.endsWith('\n')).toBe(true);
  });
});
