/**
 * Issue #20: an apply longer than its AWS credentials fails half-way (the session expires between
 * waves). Three numbers must agree, read from the real files:
 *   job timeout-minutes (infra-merge.yml)
 *     ≤ role-duration-seconds / 60 of aws-actions/configure-aws-credentials in that job
 *       (unset: the action asks STS for 3600 s — DEFAULT_ROLE_DURATION in
 *       aws-actions/configure-aws-credentials src/index.ts, the same in v4.0.2 and the v6 line)
 *     ≤ max_session_duration / 60 of the infra-apply role (infra/modules/github-oidc)
 *       (AssumeRoleWithWebIdentity refuses a DurationSeconds above the role's
 *       MaxSessionDuration: AWS STS API reference, AssumeRoleWithWebIdentity, DurationSeconds).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HclParser } from '../src/hcl/parse.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (f: string): string => readFileSync(`${root}${f}`, 'utf8');
const MODULE = 'infra/modules/github-oidc';
const ACTION = 'aws-actions/configure-aws-credentials@';
/** What the action asks for when role-duration-seconds is not set. */
const ACTION_DEFAULT_SECONDS = 3600;

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'timeout-minutes'?: number;
  steps: Step[];
}

/** A whole number from YAML (number or numeric string), or a clear failure naming the field. */
function whole(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new Error(`${what} must be a whole number, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The infra-apply job: its timeout and the session its credentials step asks for. */
function applyJob(): { timeoutMinutes: number; sessionSeconds: number } {
  const w = parse(read('.github/workflows/infra-merge.yml')) as { jobs: Record<string, Job> };
  const job = w.jobs.apply;
  if (job === undefined) throw new Error('infra-merge.yml has no `apply` job');
  const creds = job.steps.filter((s) => s.uses?.startsWith(ACTION));
  expect(creds, 'one configure-aws-credentials step in the apply job').toHaveLength(1);
  const asked = creds[0]?.with?.['role-duration-seconds'];
  return {
    // GitHub's default job timeout is 360 minutes.
    timeoutMinutes: whole(job['timeout-minutes'] ?? 360, 'jobs.apply.timeout-minutes'),
    sessionSeconds:
      asked === undefined ? ACTION_DEFAULT_SECONDS : whole(asked, 'role-duration-seconds'),
  };
}

/** max_session_duration of aws_iam_role.apply: a literal, or a variable's default. */
async function roleMaxSession(): Promise<number> {
  const parser = new HclParser();
  const hcl = async (f: string) =>
    (await parser.parse(`${MODULE}/${f}`, read(`${MODULE}/${f}`))) as Record<string, unknown>;
  const main = (await hcl('main.tf')) as {
    resource?: { aws_iam_role?: Record<string, { max_session_duration?: unknown }[]> };
  };
  const role = main.resource?.aws_iam_role?.apply?.[0];
  if (role === undefined) throw new Error(`${MODULE}/main.tf has no aws_iam_role.apply`);
  const v = role.max_session_duration;
  if (v === undefined) return 3600; // IAM's default
  if (typeof v === 'number') return v;
  const ref = /^\$\{var\.([A-Za-z0-9_]+)\}$/.exec(String(v));
  if (!ref?.[1]) throw new Error(`aws_iam_role.apply.max_session_duration: unmodelled ${v}`);
  const vars = (await hcl('variables.tf')) as {
    variable?: Record<string, { default?: unknown }[]>;
  };
  return whole(vars.variable?.[ref[1]]?.[0]?.default, `variable ${ref[1]} default`);
}

describe('apply credentials outlast the apply job (issue #20)', () => {
  it('timeout-minutes ≤ role-duration-seconds/60 ≤ infra-apply max_session_duration/60', async () => {
    const { timeoutMinutes, sessionSeconds } = applyJob();
    const maxSeconds = await roleMaxSession();
    expect(timeoutMinutes).toBeLessThanOrEqual(sessionSeconds / 60);
    expect(sessionSeconds / 60).toBeLessThanOrEqual(maxSeconds / 60);
    // STS's own bounds for a role session.
    expect(maxSeconds).toBeGreaterThanOrEqual(3600);
    expect(maxSeconds).toBeLessThanOrEqual(43_200);
  });
});
