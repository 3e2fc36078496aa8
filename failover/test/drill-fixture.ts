/**
 * A drill observed on a 1 s scale (literal): started at t=0, kill at 10 s, detected at 14 s, the
 * leader killed at 14.2 s, pinned at 15 s, primary restored at 22 s, failback command at 30 s,
 * pinned back at 30.5 s, end at 40 s. Shared by the report tests.
 */
import type { Observed } from '../local/drill-report.js';
import type { PhaseMark } from '../local/report/timeline.js';
import { defaultPolicy } from '../src/policy.js';

export const t0 = 1_000_000;
export const at = (s: number) => t0 + s * 1000;

export const observed: Observed = {
  policy: {
    ...defaultPolicy,
    failedOverMinReplicas: 3,
    standbyMinReplicas: 1,
    failbackCooldownMs: 5000,
  },
  probesPerRound: 3,
  flapEvery: 3,
  marks: {
    flapStart: at(2),
    flapEnd: at(7),
    nearMissEnd: at(9),
    partitionStart: at(9.1),
    partitionEnd: at(9.5),
    hangStart: at(9.55),
    hangEnd: at(9.7),
    corruptEnd: at(9.9),
    kill: at(10),
    restored: at(22),
    failbackCommand: at(30),
    end: at(40),
  },
  samples: [
    { at: at(0.2), done: at(0.3), ok: true, region: 'eu-central-1' },
    { at: at(0.7), done: at(0.8), ok: true, region: 'eu-central-1' },
    { at: at(10.5), done: at(10.6), ok: false, region: '' },
    { at: at(10.9), done: at(11), ok: false, region: '' },
    { at: at(12), done: at(12.1), ok: true, region: 'eu-west-2' },
    { at: at(25), done: at(25.1), ok: true, region: 'eu-west-2' },
    { at: at(30.2), done: at(30.3), ok: true, region: 'eu-west-2' },
    { at: at(31), done: at(31.1), ok: true, region: 'eu-central-1' },
    { at: at(39.99), done: at(40.2), ok: true, region: 'eu-central-1' },
  ],
  transitions: [
    { at: at(14), from: 'standby', to: 'failing-over' },
    { at: at(15), from: 'failing-over', to: 'failed-over' },
    { at: at(30.5), from: 'failed-over', to: 'failing-back' },
    { at: at(36), from: 'failing-back', to: 'standby' },
  ],
  capacity: [
    { at: at(0), floor: 1, ready: 1 },
    { at: at(14.5), floor: 3, ready: 2 },
    { at: at(15), floor: 3, ready: 3 },
    { at: at(35.5), floor: 1, ready: 2 },
    { at: at(36), floor: 1, ready: 1 },
  ],
  flapProbes: { requests: 15, failed: 5 },
  nearMissProbes: { requests: 6, failed: 3 },
  refusedWhileDown: { id: 'a', mode: 'failed-over', reasons: ['failback refused: primary down'] },
  failback: { id: 'b', mode: 'failing-back', reasons: ['manual failback'] },
  partitionAlerts: 1,
  hangRounds: 0,
  hangAlerts: 1,
  corrupt: { stateEvent: true, requestRejected: true, repaired: true },
  killedLeader: { identity: 'replica-a', mode: 'failing-over', at: at(14.2) },
  splitBrainWrites: 0,
  dials: { primary: 100, standby: 0 },
  finalMode: 'standby',
  drMode: 'standby',
  errors: [],
};

export const phases: PhaseMark[] = [
  { name: 'baseline', at: at(0) },
  { name: 'flapping', at: at(2) },
  { name: 'near-misses', at: at(7) },
  { name: 'kill', at: at(10) },
  { name: 'restore', at: at(22) },
  { name: 'failback', at: at(30) },
  { name: 'done', at: at(40) },
];

/** The report's markers of a whole drill, in the order they happen. */
export const markerKinds = [
  'kill',
  'detect',
  'leader-killed',
  'pin',
  'restored',
  'failback',
  'pin-back',
] as const;
