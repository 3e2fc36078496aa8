import { describe, expect, it } from 'vitest';
import { step } from '../src/machine.js';
import { defaultPolicy } from '../src/policy.js';
import { parseState } from '../src/schema.js';
import { initialState, type State } from '../src/state.js';

const coolingDown: State = {
  ...initialState,
  mode: 'failing-back',
  step: 'cool-down',
  stepStartedAt: 1000,
};

describe('parseState', () => {
  it('accepts a state in the middle of a step', () => {
    expect(parseState(JSON.stringify(coolingDown))).toMatchObject({ ok: true });
  });

  it('refuses a step without its start time: the cool-down would never end, wait-ready never wait', () => {
    const stuck = { ...coolingDown, stepStartedAt: null };
    // what the machine would do with it: no amount of time ends the cool-down
    expect(step(stuck, { type: 'tick' }, 10 ** 12, defaultPolicy).state.step).toBe('cool-down');
    const parsed = parseState(JSON.stringify(stuck));
    expect(parsed).toEqual({
      ok: false,
      error: 'data.state is invalid: stepStartedAt: a step in progress needs its start time',
    });
  });
});
