/**
 * Schemas of everything the controller reads back from the cluster: the persisted state and the
 * manual requests the CLI writes. Parsed, never cast: an invalid value is reported, not obeyed.
 */
import { z } from 'zod';
import { failbackSteps, failoverSteps, initialState, type State, type Step } from './state.js';

const ms = z.number().int().nonnegative();
const stepNames = [
  'record-mode',
  'scale-up',
  'wait-ready',
  'pin-traffic',
  'pin-primary',
  'cool-down',
  'scale-down',
  'record-standby',
] as const satisfies readonly Step[];

export const stateSchema = z
  .strictObject({
    mode: z.enum(['standby', 'failing-over', 'failed-over', 'failing-back']),
    step: z.enum(stepNames).nullable(),
    stepStartedAt: ms.nullable(),
    attempts: z.number().int().min(0).max(1000),
    retryAt: ms.nullable(),
    failedRounds: z.number().int().min(0).max(10_000),
    firstFailedAt: ms.nullable(),
    primaryHealthySince: ms.nullable(),
    isolatedSince: ms.nullable().default(null),
    reason: z.string().max(2000).nullable(),
  })
  .refine((s) => (s.mode === 'standby' || s.mode === 'failed-over') === (s.step === null), {
    message: 'step must be null exactly when mode is standby or failed-over',
  })
  .refine(
    (s) =>
      s.step === null ||
      (s.mode === 'failing-over' ? failoverSteps : failbackSteps).some((x) => x === s.step),
    { message: 'step does not belong to mode' },
  )
  // without it the cool-down never ends and wait-ready's deadline is long past (machine.ts)
  .refine((s) => s.step === null || s.stepStartedAt !== null, {
    message: 'a step in progress needs its start time',
    path: ['stepStartedAt'],
  });

export const requestSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  type: z.enum(['failover', 'failback']),
  reason: z.string().min(1).max(500),
  at: z.string().max(64),
});

export const resultSchema = z.object({
  id: z.string().max(64),
  mode: z.string().max(32),
  reasons: z.array(z.string().max(2000)).max(50),
  /** outcome.ts; absent in results written by a controller older than issue #19. */
  outcome: z.enum(['accepted', 'already', 'refused']).optional(),
});

export type ControlRequest = z.infer<typeof requestSchema>;
export type ControlResult = z.infer<typeof resultSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses a JSON string stored in a ConfigMap key; the error names the key and what is wrong. */
export function parseStored<T>(key: string, raw: string, schema: z.ZodType<T>): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: `data.${key} is not JSON` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: `data.${key} is invalid: ${describeIssues(parsed.error)}` };
}

export const parseState = (raw: string): Parsed<State> => parseStored('state', raw, stateSchema);
export const parseRequest = (raw: string): Parsed<ControlRequest> =>
  parseStored('request', raw, requestSchema);

/** The request id, if one can be read from an otherwise invalid request (for the result). */
export function salvageId(raw: string): string {
  try {
    const id = (JSON.parse(raw) as { id?: unknown }).id;
    return typeof id === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * Pure: the state to continue from when the persisted one is invalid. The mode comes from DR_MODE
 * in the overrides ConfigMap (what the last completed failover or failback recorded), so a
 * failed-over platform is not mistaken for a standby one; anything else starts from standby.
 */
export function recoverState(recordedMode: string | null, why: string): State {
  const mode = recordedMode === 'failed-over' ? 'failed-over' : 'standby';
  return {
    ...initialState,
    mode,
    reason: `persisted state was invalid (${why}); recovered as ${mode} from DR_MODE`,
  };
}
