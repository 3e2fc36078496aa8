/**
 * The only module that reads process.env and process.argv (and the local environment's file).
 * Every variable is documented in the README ("Configuration").
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FailoverError } from './errors.js';
import { contradictions, formatProblem } from './settings.js';

const MS = 'an integer of milliseconds';
const ms = (def: number, min = 0) =>
  z.coerce.number().int().min(min).default(def).describe(`${MS} >= ${min}`);
const count = (def: number, min: number) =>
  z.coerce.number().int().min(min).default(def).describe(`an integer >= ${min}`);
const isHttpUrl = (s: string) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);
const url = (what: string) => z.string().refine(isHttpUrl).describe(`an http(s) URL: ${what}`);
const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .refine((xs) => xs.length > 0);
const arn = z.string().startsWith('arn:').describe('an ARN (arn:...)');

const schema = z.object({
  PRIMARY_PROBE_URLS: list
    .refine((xs) => xs.every(isHttpUrl))
    .describe("comma-separated http(s) URLs of the primary's /readyz (one per probe)"),
  REFERENCE_URL: url("the prober's own connectivity check"),
  PRIMARY_CAPACITY_URL: url('200 when the primary has capacity ready').optional(),
  GA_PRIMARY_ENDPOINT_GROUP_ARN: arn,
  GA_STANDBY_ENDPOINT_GROUP_ARN: arn,
  GA_API_REGION: z.string().min(1).default('us-west-2').describe('an AWS region name'),
  GA_ENDPOINT: url('override of the GA API endpoint (local stand-in)').optional(),
  KUBE_API_SERVER: url('the Kubernetes API server').default('https://kubernetes.default.svc'),
  KUBE_TOKEN_FILE: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
  KUBE_CA_FILE: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'),
  POD_NAME: z.string().min(1).default('failover-controller-local').describe('a pod name'),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(9090)
    .describe('an integer port 0-65535'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'])
    .default('info')
    .describe('one of debug, info, warn, error'),
  PROBE_INTERVAL_MS: ms(2000, 1),
  PROBE_TIMEOUT_MS: ms(1500, 1),
  PROBE_QUORUM: count(3, 1),
  FAILED_ROUNDS: count(5, 1),
  FAILURE_WINDOW_MS: ms(15_000),
  FAILED_OVER_MIN_REPLICAS: count(3, 1),
  STANDBY_MIN_REPLICAS: count(1, 0),
  WAIT_READY_TIMEOUT_MS: ms(300_000),
  FAILBACK_HEALTHY_MS: ms(600_000),
  FAILBACK_COOLDOWN_MS: ms(300_000),
  LEASE_SECONDS: count(15, 5),
  RENEW_DEADLINE_SECONDS: count(10, 2),
  RETRY_PERIOD_MS: ms(2000, 1),
  ROUTE53_HEALTH_CHECK_IDS: list
    .optional()
    .describe('comma-separated Route 53 health check ids of the primary endpoint'),
  ROUTE53_ENDPOINT: url('override of the Route 53 API endpoint').optional(),
  KUBE_TIMEOUT_MS: ms(5000, 1),
  AWS_TIMEOUT_MS: ms(4000, 1),
  ADVISORY_TIMEOUT_MS: ms(1500, 1),
  ROUND_TIMEOUT_MS: ms(20_000, 1),
});

export type Env = z.infer<typeof schema>;
type Source = Readonly<Record<string, string | undefined>>;

function invalid(lines: readonly string[]): FailoverError {
  return new FailoverError('CONFIG', `invalid configuration:\n  ${lines.join('\n  ')}`);
}

/**
 * Parses each variable alone (no cross-checks); every message names the variable, the value and
 * what was expected, as the app's do (app/src/config.ts). Throws FailoverError CONFIG.
 */
export function parseEnv(env: Source): Env {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '?');
    if (seen.has(key)) continue;
    seen.add(key);
    const expected = schema.shape[key as keyof typeof schema.shape]?.description;
    const raw = env[key];
    const what = expected ? `expected ${expected}` : issue.message;
    lines.push(
      raw === undefined
        ? `missing ${key}: ${what}`
        : `invalid ${key}=${JSON.stringify(raw)}: ${what}`,
    );
  }
  throw invalid(lines);
}

/**
 * Parses and validates the environment, then refuses settings that contradict each other
 * (settings.ts). Throws FailoverError CONFIG, which the CLI edge maps to exit code 2.
 */
export function readEnv(env: Source = process.env): Env {
  const parsed = parseEnv(env);
  const problems = contradictions(parsed);
  if (problems.length > 0) throw invalid(problems.map(formatProblem));
  return parsed;
}

/**
 * Where `npm run local` writes the environment its CLI needs (failover/.local/cli-env.json, the
 * same path from src/ under tsx and from dist/), read by `failover --local`.
 */
export function localEnvFile(): string {
  return fileURLToPath(new URL('../.local/cli-env.json', import.meta.url));
}

const localFile = z.object({ pid: z.number().int(), env: z.record(z.string(), z.string()) });
export type LocalEnvFile = z.infer<typeof localFile>;

/** The local environment's settings (`--local`), refused when it is not running. */
export function readLocalEnv(file = localEnvFile()): Env {
  const start = 'start it with `npm run local` from the repository root';
  if (!existsSync(file)) {
    throw new FailoverError(
      'CONFIG',
      `no local environment is running (${file} is absent): ${start}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    json = null;
  }
  const parsed = localFile.safeParse(json);
  if (!parsed.success) {
    throw new FailoverError('CONFIG', `${file} is not the local environment's file: ${start}`);
  }
  try {
    process.kill(parsed.data.pid, 0); // signal 0: only asks whether the process exists
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
      throw new FailoverError(
        'CONFIG',
        `the local environment of ${file} (pid ${parsed.data.pid}) is not running any more: ${start}`,
      );
    }
  }
  return readEnv(parsed.data.env);
}

/**
 * `npm run local`'s own settings: LOG_LEVEL, and the failback waits when set (undefined: the local
 * demo speed). Validated like the controller's (exit 2 with the variable named).
 */
export function readLocalSettings(env: Source = process.env): {
  logLevel: Env['LOG_LEVEL'];
  failbackHealthyMs?: number;
  failbackCooldownMs?: number;
} {
  const keys = ['LOG_LEVEL', 'FAILBACK_HEALTHY_MS', 'FAILBACK_COOLDOWN_MS'] as const;
  const set = Object.fromEntries(keys.filter((k) => env[k]).map((k) => [k, env[k]]));
  const parsed = schema.pick({ LOG_LEVEL: true }).extend({
    FAILBACK_HEALTHY_MS: schema.shape.FAILBACK_HEALTHY_MS.optional(),
    FAILBACK_COOLDOWN_MS: schema.shape.FAILBACK_COOLDOWN_MS.optional(),
  });
  const r = parsed.safeParse(set);
  if (!r.success) {
    const key = String(r.error.issues[0]?.path[0]);
    const expected = schema.shape[key as keyof typeof schema.shape]?.description ?? 'a valid value';
    throw invalid([`invalid ${key}=${JSON.stringify(env[key])}: expected ${expected}`]);
  }
  return {
    logLevel: r.data.LOG_LEVEL,
    ...('FAILBACK_HEALTHY_MS' in set ? { failbackHealthyMs: r.data.FAILBACK_HEALTHY_MS } : {}),
    ...('FAILBACK_COOLDOWN_MS' in set ? { failbackCooldownMs: r.data.FAILBACK_COOLDOWN_MS } : {}),
  };
}

export function readArgv(): string[] {
  return process.argv;
}
