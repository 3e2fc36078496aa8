import { AppError } from './errors.js';

/** Log levels pino understands, plus `silent`. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const REGION_ROLES = ['primary', 'standby'] as const;
/** The region's role in the warm-standby pair (`DR_ROLE`, from deploy/clusters/<region>/cluster-vars.yaml). */
export type RegionRole = (typeof REGION_ROLES)[number];
/** Which Flagger Deployment runs this pod: `<name>-primary` (stable) or `<name>` (canary). */
export type Track = 'stable' | 'canary';

/**
 * Default cap on open connections: an open connection costs ≈ 10 KiB of RSS (measured with 4 000
 * slowloris sockets: +38 MiB), so 1 024 of them stay within ≈ 10 MiB of the pod's 128 MiB limit;
 * behind the gateway a pod sees far fewer.
 */
export const DEFAULT_MAX_CONNECTIONS = 1024;

/**
 * The value each variable takes when it is unset or empty, by variable name (`APP_VERSION` and
 * `POD_NAME` default to the package version and the host name, see {@link ConfigDefaults}).
 * Exported as `@demo-app/app/config` so other workspaces' tests (deploy-check's shutdown budget)
 * import the app's defaults instead of copying them. `test/config.test.ts` proves `parseConfig`
 * applies exactly these; `parseConfig` reads its defaults from here.
 */
export const ENV_DEFAULTS = {
  PORT: 8080,
  HOST: '0.0.0.0',
  AWS_REGION: 'local',
  IMAGE_NAME: 'dev',
  GIT_COMMIT: 'unknown',
  DR_ROLE: 'primary',
  LOG_LEVEL: 'info',
  ACCESS_LOG_LEVEL: 'info',
  FAULT_ERROR_RATE: 0,
  FAULT_LATENCY_MS: 0,
  FAULT_LATENCY_RATE: 1,
  SHUTDOWN_DELAY_MS: 5000,
  SHUTDOWN_TIMEOUT_MS: 10000,
  MAX_DELAY_MS: 10000,
  MAX_CONNECTIONS: DEFAULT_MAX_CONNECTIONS,
  OTEL_METRIC_EXPORT_INTERVAL: 15000,
} as const;

/** Validated service configuration. Every field comes from one environment variable. */
export interface Config {
  port: number;
  host: string;
  awsRegion: string;
  image: string;
  version: string;
  commit: string;
  pod: string;
  /** The region's role (`DR_ROLE`). */
  regionRole: RegionRole;
  /** Canary or stable, from the pod's `app` label (`POD_APP_LABEL`, see {@link trackOf}). */
  track: Track;
  logLevel: LogLevel;
  accessLogLevel: LogLevel;
  faultErrorRate: number;
  faultLatencyMs: number;
  faultLatencyRate: number;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  maxDelayMs: number;
  maxConnections: number;
  /** The OTLP endpoint in use (the metrics-specific one first); undefined: no OTLP export. */
  otlpEndpoint: string | undefined;
  /** Interval between OTLP exports (`OTEL_METRIC_EXPORT_INTERVAL`, ms). */
  otlpIntervalMs: number;
}

/** Values that depend on the running process (package version, host name), passed in. */
export interface ConfigDefaults {
  version: string;
  hostname: string;
}

const INT = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

// Hand-written parsers instead of zod: a schema library costs ~14 MiB of resident memory at start
// (measured with process.memoryUsage before/after import), a fifth of the pod's start-up budget,
// for fifteen scalar variables. Each parser returns undefined for a value it rejects.
type Parse<T> = (value: string) => T | undefined;

const intIn =
  (min: number, max: number): Parse<number> =>
  (value) => {
    const text = value.trim();
    if (!INT.test(text)) return undefined;
    const n = Number(text);
    return n >= min && n <= max ? n : undefined;
  };

const fraction = (): Parse<number> => (value) => {
  const text = value.trim();
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return n >= 0 && n <= 1 ? n : undefined;
};

const nonEmpty =
  (max: number): Parse<string> =>
  (value) => {
    const text = value.trim();
    return text.length >= 1 && text.length <= max ? text : undefined;
  };

/** An absolute http(s) URL with a host, as the OTLP/HTTP exporter needs. */
const httpUrl = (): Parse<string> => (value) => {
  const text = value.trim();
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
    ? text
    : undefined;
};

const oneOf =
  <T extends string>(values: readonly T[]): Parse<T> =>
  (value) =>
    (values as readonly string[]).includes(value) ? (value as T) : undefined;

const logLevel = (): Parse<LogLevel> => oneOf(LOG_LEVELS);

/** A Kubernetes label value: at most 63 of `A-Za-z0-9-_.`, alphanumeric at both ends. */
const labelValue = (): Parse<string> => (value) =>
  /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(value) ? value : undefined;

interface Field<T> {
  parse: Parse<T>;
  expected: string;
}

const FIELDS = {
  PORT: { parse: intIn(0, 65535), expected: 'an integer port 0-65535' },
  HOST: { parse: nonEmpty(255), expected: 'a host name or IP address' },
  AWS_REGION: { parse: nonEmpty(64), expected: 'a non-empty region name (max 64 chars)' },
  IMAGE_NAME: { parse: nonEmpty(512), expected: 'a non-empty image reference (max 512 chars)' },
  APP_VERSION: { parse: nonEmpty(128), expected: 'a non-empty version (max 128 chars)' },
  GIT_COMMIT: { parse: nonEmpty(64), expected: 'a non-empty commit id (max 64 chars)' },
  POD_NAME: { parse: nonEmpty(253), expected: 'a non-empty pod name (max 253 chars)' },
  DR_ROLE: { parse: oneOf(REGION_ROLES), expected: `one of ${REGION_ROLES.join(', ')}` },
  POD_APP_LABEL: { parse: labelValue(), expected: 'a Kubernetes label value (max 63 chars)' },
  LOG_LEVEL: { parse: logLevel(), expected: `one of ${LOG_LEVELS.join(', ')}` },
  ACCESS_LOG_LEVEL: { parse: logLevel(), expected: `one of ${LOG_LEVELS.join(', ')}` },
  FAULT_ERROR_RATE: { parse: fraction(), expected: 'a number between 0 and 1' },
  FAULT_LATENCY_MS: { parse: intIn(0, 600_000), expected: 'an integer of milliseconds >= 0' },
  FAULT_LATENCY_RATE: { parse: fraction(), expected: 'a number between 0 and 1' },
  SHUTDOWN_DELAY_MS: { parse: intIn(0, 600_000), expected: 'an integer of milliseconds >= 0' },
  SHUTDOWN_TIMEOUT_MS: { parse: intIn(0, 600_000), expected: 'an integer of milliseconds >= 0' },
  MAX_DELAY_MS: { parse: intIn(0, 600_000), expected: 'an integer of milliseconds >= 0' },
  MAX_CONNECTIONS: { parse: intIn(1, 1_000_000), expected: 'an integer of connections >= 1' },
  OTEL_EXPORTER_OTLP_ENDPOINT: { parse: httpUrl(), expected: 'an http:// or https:// URL' },
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: { parse: httpUrl(), expected: 'an http:// or https:// URL' },
  OTEL_METRIC_EXPORT_INTERVAL: {
    parse: intIn(100, 3_600_000),
    expected: 'an integer of milliseconds 100-3600000',
  },
} satisfies Record<string, Field<unknown>>;

type Name = keyof typeof FIELDS;

/**
 * Every variable the app reads. deploy-check holds the app's ConfigMap to this list (a key the app
 * does not read is a typo, silently ignored at run time).
 */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(FIELDS);

/**
 * Canary or stable, from the pod's `app` label (the downward API sets `POD_APP_LABEL`). Flagger
 * rewrites the selector label of the stable copy to `<value>-primary` and keeps the target's own
 * value on the canary Deployment (fluxcd/flagger pkg/canary/deployment_controller.go,
 * createPrimaryDeployment / makePrimaryLabels in util.go). Only canary pods keep the original
 * value once Flagger has initialised (it scales the target to zero between releases), so any other
 * value is a canary; unset (no Kubernetes, e.g. `npm start`) is stable. Pure.
 */
export function trackOf(appLabel: string | undefined): Track {
  if (appLabel === undefined) return 'stable';
  return appLabel.endsWith('-primary') ? 'stable' : 'canary';
}
type Env = Readonly<Record<string, string | undefined>>;
type Output<N extends Name> = (typeof FIELDS)[N] extends Field<infer T> ? T : never;

function read<N extends Name>(env: Env, name: N, fallback: string | number): Output<N> {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? String(fallback) : raw;
  const field = FIELDS[name] as Field<Output<N>>;
  const parsed = field.parse(value);
  if (parsed === undefined) {
    throw new AppError(
      'CONFIG_INVALID',
      `invalid ${name}=${JSON.stringify(value)}: expected ${field.expected}`,
      { variable: name, expected: field.expected, received: value },
    );
  }
  return parsed;
}

/** Like {@link read}, for a variable without a default: undefined when unset or empty. */
function readOptional<N extends Name>(env: Env, name: N): Output<N> | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : read(env, name, raw);
}

/**
 * Builds the configuration from environment variables (pure: the caller passes the env record).
 * An empty variable counts as unset. Throws an {@link AppError} `CONFIG_INVALID` naming the first bad variable.
 */
export function parseConfig(env: Env, defaults: ConfigDefaults): Config {
  // Both are validated: the exporter reads both (the metrics-specific one first).
  const otlpBase = readOptional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const otlp = readOptional(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') ?? otlpBase;
  return {
    port: read(env, 'PORT', ENV_DEFAULTS.PORT),
    host: read(env, 'HOST', ENV_DEFAULTS.HOST),
    awsRegion: read(env, 'AWS_REGION', ENV_DEFAULTS.AWS_REGION),
    image: read(env, 'IMAGE_NAME', ENV_DEFAULTS.IMAGE_NAME),
    version: read(env, 'APP_VERSION', defaults.version),
    commit: read(env, 'GIT_COMMIT', ENV_DEFAULTS.GIT_COMMIT),
    pod: read(env, 'POD_NAME', defaults.hostname),
    regionRole: read(env, 'DR_ROLE', ENV_DEFAULTS.DR_ROLE),
    track: trackOf(readOptional(env, 'POD_APP_LABEL')),
    logLevel: read(env, 'LOG_LEVEL', ENV_DEFAULTS.LOG_LEVEL),
    accessLogLevel: read(env, 'ACCESS_LOG_LEVEL', ENV_DEFAULTS.ACCESS_LOG_LEVEL),
    faultErrorRate: read(env, 'FAULT_ERROR_RATE', ENV_DEFAULTS.FAULT_ERROR_RATE),
    faultLatencyMs: read(env, 'FAULT_LATENCY_MS', ENV_DEFAULTS.FAULT_LATENCY_MS),
    faultLatencyRate: read(env, 'FAULT_LATENCY_RATE', ENV_DEFAULTS.FAULT_LATENCY_RATE),
    shutdownDelayMs: read(env, 'SHUTDOWN_DELAY_MS', ENV_DEFAULTS.SHUTDOWN_DELAY_MS),
    shutdownTimeoutMs: read(env, 'SHUTDOWN_TIMEOUT_MS', ENV_DEFAULTS.SHUTDOWN_TIMEOUT_MS),
    maxDelayMs: read(env, 'MAX_DELAY_MS', ENV_DEFAULTS.MAX_DELAY_MS),
    maxConnections: read(env, 'MAX_CONNECTIONS', ENV_DEFAULTS.MAX_CONNECTIONS),
    otlpEndpoint: otlp,
    otlpIntervalMs: read(
      env,
      'OTEL_METRIC_EXPORT_INTERVAL',
      ENV_DEFAULTS.OTEL_METRIC_EXPORT_INTERVAL,
    ),
  };
}

/** Reads the process environment — the only place in the service that does. */
export function loadConfig(defaults: ConfigDefaults): Config {
  return parseConfig(process.env, defaults);
}
