import { describe, expect, it } from 'vitest';
import {
  type CompositeAction,
  expandSteps,
  exposesToken,
  holdsToken,
  localActionKey,
  type Step,
} from '../src/credentials.js';

/** A GitHub expression as written in YAML: gh('github.token') is "${{ github.token }}". */
const gh = (inner: string): string => `\${{ ${inner} }}`;
const token = gh('github.token');

/** A composite with an install step and a push step, the token given to the push step only. */
const pushAction: CompositeAction = {
  inputs: { token: { default: '' }, path: {} },
  runs: {
    using: 'composite',
    steps: [
      { run: 'npm ci', env: { CI: 'true' } },
      {
        run: 'git add "$P" && git push',
        env: { P: gh('inputs.path'), T: gh('inputs.token') },
      },
    ],
  },
};
const actions = new Map([['.github/actions/push', pushAction]]);
const leaksInto = (steps: Step[], acts = actions): string[] =>
  expandSteps('w.yml:job', steps, acts)
    .filter(({ step }) => /npm ci/.test(step.run ?? '') && exposesToken(step))
    .map(({ where }) => where);

describe('expandSteps', () => {
  it('follows a local action into its steps with the caller inputs substituted', () => {
    const steps = expandSteps(
      'w.yml:job',
      [{ uses: './.github/actions/push', with: { token, path: 'a.yaml' } }],
      actions,
    );
    expect(steps.map((s) => s.where)).toEqual([
      'w.yml:job',
      'w.yml:job > .github/actions/push',
      'w.yml:job > .github/actions/push',
    ]);
    expect(steps[2]?.step.env).toEqual({ P: 'a.yaml', T: token });
    expect(holdsToken(steps[2]?.step.env)).toBe(true);
    expect(holdsToken(steps[1]?.step.env)).toBe(false);
  });

  it('catches a token the caller passes to an install step inside the composite', () => {
    const leaky: CompositeAction = {
      inputs: { token: {} },
      runs: { using: 'composite', steps: [{ run: 'npm ci', env: { GH: gh('inputs.token') } }] },
    };
    const acts = new Map([['.github/actions/push', leaky]]);
    expect(leaksInto([{ uses: './.github/actions/push/', with: { token } }], acts)).toEqual([
      'w.yml:job > .github/actions/push',
    ]);
    // The same composite without the token passed: nothing to leak.
    expect(leaksInto([{ uses: './.github/actions/push' }], acts)).toEqual([]);
  });

  it('catches a token from an input default, or written into the script itself', () => {
    const byDefault: CompositeAction = {
      inputs: { token: { default: token } },
      runs: { using: 'composite', steps: [{ run: 'npm ci', env: { GH: gh('inputs.token') } }] },
    };
    const inScript: CompositeAction = {
      runs: { using: 'composite', steps: [{ run: `GH=${token} npm ci` }] },
    };
    for (const a of [byDefault, inScript]) {
      expect(
        leaksInto([{ uses: './.github/actions/push' }], new Map([['.github/actions/push', a]])),
      ).toHaveLength(1);
    }
  });

  it('the well-behaved composite passes', () => {
    expect(leaksInto([{ uses: './.github/actions/push', with: { token } }])).toEqual([]);
  });

  it('refuses a local action it cannot read', () => {
    expect(() => expandSteps('w.yml:job', [{ uses: './.github/actions/nope' }], actions)).toThrow(
      /local action \.\/\.github\/actions\/nope not found/,
    );
  });

  it('keys local actions by folder', () => {
    expect(localActionKey('./.github/actions/x')).toBe('.github/actions/x');
    expect(localActionKey('./.github/actions/x/action.yml')).toBe('.github/actions/x');
  });
});
