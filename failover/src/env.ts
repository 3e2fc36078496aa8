/**
 * The only module that reads process.env and process.argv.
 * Every variable is documented in the README ("Configuration").
 */
import { z } from 'zod';
import { FailoverError } from './errors.js';

const ms = (def: number) => z.coerce.number().int().min(0).default(def);
const list = z
  .string()
  .min(1)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const schema = z.object({
  PRIMARY_PROBE_URLS: list.describe('comma-separated primary /readyz URLs (one per probe)'),
  REFERENCE_URL: z.url().describe("the prober's own connectivity check"),
  PRIMARY_CAPACITY_URL: z.url().optional().describe('200 when the primary has capacity ready'),
  GA_PRIMARY_ENDPOINT_GROUP_ARN: z.string().startsWith('arn:'),
  GA_STANDBY_ENDPOINT_GROUP_ARN: z.string().startsWith('arn:'),
  GA_API_REGION: z.string().default('us-west-2'),
  GA_ENDPOINT: z.url().optional().describe('override of the GA API endpoint (local stand-in)'),
  KUBE_API_SERVER: z.url().default('https://kubernetes.default.svc'),
  KUBE_TOKEN_FILE: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
  KUBE_CA_FILE: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'),
  POD_NAME: z.string().default('failover-controller-local'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  PROBE_INTERVAL_MS: ms(2000),
  PROBE_TIMEOUT_MS: ms(1500),
  PROBE_QUORUM: z.coerce.number().int().min(1).default(3),
  FAILED_ROUNDS: z.coerce.number().int().min(1).default(5),
  FAILURE_WINDOW_MS: ms(15_000),
  FAILED_OVER_MIN_REPLICAS: z.coerce.number().int().min(1).default(3),
  STANDBY_MIN_REPLICAS: z.coerce.number().int().min(0).default(1),
  WAIT_READY_TIMEOUT_MS: ms(300_000),
  FAILBACK_HEALTHY_MS: ms(600_000),
  FAILBACK_COOLDOWN_MS: ms(300_000),
  LEASE_SECONDS: z.coerce.number().int().min(5).default(15),
  RENEW_DEADLINE_SECONDS: z.coerce
    .number()
    .int()
    .min(2)
    .default(10)
    .describe('seconds after its last renewal a leader stops acting; below LEASE_SECONDS'),
  RETRY_PERIOD_MS: ms(2000),
  ROUTE53_HEALTH_CHECK_IDS: list
    .optional()
    .describe('comma-separated Route 53 health check ids of the primary endpoint'),
  ROUTE53_ENDPOINT: z.url().optional().describe('override of the Route 53 API endpoint'),
  KUBE_TIMEOUT_MS: ms(5000),
  AWS_TIMEOUT_MS: ms(4000),
  ADVISORY_TIMEOUT_MS: ms(1500),
  ROUND_TIMEOUT_MS: ms(20_000),
});

export type Env = z.infer<typeof schema>;

/**
 * Parses and validates the environment; messages name the variable and what was expected.
 * Throws FailoverError CONFIG, which the CLI edge maps to exit code 2.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(env);
  if (parsed.success) {
    if (parsed.data.RENEW_DEADLINE_SECONDS >= parsed.data.LEASE_SECONDS) {
      throw new FailoverError(
        'CONFIG',
        `invalid configuration:\n  RENEW_DEADLINE_SECONDS: must be below LEASE_SECONDS (${parsed.data.LEASE_SECONDS})`,
      );
    }
    return parsed.data;
  }
  const lines = parsed.error.issues.map((i) => {
    const key = String(i.path[0] ?? '?');
    const hint = schema.shape[key as keyof typeof schema.shape]?.description;
    return `${key}: ${i.message}${hint ? ` (expected ${hint})` : ''}`;
  });
  throw new FailoverError('CONFIG', `invalid configuration:\n  ${lines.join('\n  ')}`);
}

export function readArgv(): string[] {
  return process.argv;
}
