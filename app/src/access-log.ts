import { pino } from 'pino';
import type { LogLevel } from './config.js';
import type { Logger } from './logger.js';

/** What one access line reports. */
export interface AccessRecord {
  method: string;
  route: string;
  path: string;
  status: number;
  durationMs: number;
  requestId: string;
}

/** Writes one access line. */
export type AccessLog = (record: AccessRecord) => void;

const json = JSON.stringify;

/**
 * Renders access lines exactly as `logger[level]({method, route, path, status, duration_ms,
 * request_id}, 'request')` does with {@link createLogger}'s options — same keys, same order,
 * same base fields — without pino's generic per-call serialisation (the access line is written
 * once per request, on the hot path). `base` is the logger's bindings (service, pod, version).
 */
export function accessLineRenderer(
  level: Exclude<LogLevel, 'silent'>,
  base: Record<string, unknown>,
): (record: AccessRecord, timeMs: number) => string {
  const head = `{"level":${json(level)},"time":`;
  let bindings = '';
  for (const [key, value] of Object.entries(base)) bindings += `,${json(key)}:${json(value)}`;
  const afterTime = `${bindings},"method":`;
  // Methods and route templates are few: their JSON is cached.
  const quoted = new Map<string, string>();
  const quote = (text: string) => {
    let q = quoted.get(text);
    if (q === undefined) {
      q = json(text);
      if (quoted.size < 64) quoted.set(text, q);
    }
    return q;
  };
  return (r, timeMs) =>
    `${head}${timeMs}${afterTime}${quote(r.method)},"route":${quote(r.route)},"path":${json(r.path)},"status":${r.status},"duration_ms":${r.durationMs},"request_id":${json(r.requestId)},"msg":"request"}\n`;
}

/**
 * The access log of `logger` at `level`: lines go straight to the logger's destination. Undefined
 * when that level is off (`silent`, or below the logger's level).
 */
export function createAccessLog(logger: Logger, level: LogLevel): AccessLog | undefined {
  if (level === 'silent' || !logger.isLevelEnabled(level)) return undefined;
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream | undefined>)[
    pino.symbols.streamSym
  ];
  if (stream === undefined) throw new Error('logger has no destination stream');
  const render = accessLineRenderer(level, logger.bindings());
  return (record) => stream.write(render(record, Date.now()));
}
