import { pino } from 'pino';
import type { LogLevel } from './config.js';
import {
  jsonStringMaxBytes,
  NUMBER_MAX_BYTES,
  writeJsonString,
  writeNumber,
} from './json-bytes.js';
import type { LineRenderer, LogDestination } from './log-destination.js';
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
const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Renders access lines into a byte buffer (see {@link accessLineBytes}). */
export interface AccessLineBytes {
  /** Most UTF-8 bytes the line of `record` takes. */
  maxBytes(record: AccessRecord): number;
  /** Writes the line of `record` at `timeMs` from `buf[at]`; returns the offset just past it. */
  render(buf: Buffer, at: number, record: AccessRecord, timeMs: number): number;
}

/**
 * Renders access lines exactly as `logger[level]({method, route, path, status, duration_ms,
 * request_id}, 'request')` does with {@link createLogger}'s options — same keys, same order,
 * same base fields — without pino's generic per-call serialisation (the access line is written
 * once per request, on the hot path). `base` is the logger's bindings (service, pod, version).
 * The line is written as UTF-8 straight into the caller's buffer: the fixed parts are encoded
 * once, strings are JSON-escaped only when they need it (see json-bytes.ts), and the bytes are
 * those of `JSON.stringify` for the same fields.
 */
export function accessLineBytes(
  level: Exclude<LogLevel, 'silent'>,
  base: Record<string, unknown>,
): AccessLineBytes {
  let bindings = '';
  for (const [key, value] of Object.entries(base)) bindings += `,${json(key)}:${json(value)}`;
  const head = `{"level":${json(level)},"time":`;
  const afterTime = `${bindings},"method":`;
  const REQUEST_ID = bytes(',"request_id":');
  const TAIL = bytes(',"msg":"request"}\n');
  // The parts between the variable fields are copied whole, each a handful of bytes: the head
  // up to the method (the same for every line in a millisecond), method to path (few methods
  // and route templates), and status to duration (few statuses).
  let lastTime = Number.NaN;
  let headTime = Buffer.alloc(0);
  const methodRoute = new SmallCache(
    64,
    (route: string) =>
      new SmallCache(16, (method: string) =>
        bytes(`${json(method)},"route":${json(route)},"path":`),
      ),
  );
  const statusPart = new SmallCache(64, (status: number) =>
    bytes(`,"status":${status},"duration_ms":`),
  );
  const fixed =
    bytes(head + afterTime).length + REQUEST_ID.length + TAIL.length + 48 + 3 * NUMBER_MAX_BYTES;
  return {
    maxBytes: (r) =>
      fixed +
      jsonStringMaxBytes(r.method.length + r.route.length + r.path.length + r.requestId.length),
    render(buf, at, r, timeMs) {
      if (timeMs !== lastTime) {
        headTime = bytes(`${head}${timeMs}${afterTime}`);
        lastTime = timeMs;
      }
      let end = put(buf, at, headTime);
      const part = methodRoute.get(r.route)?.get(r.method);
      if (part === undefined) {
        end = writeJsonString(buf, end, r.method);
        end = end + buf.write(',"route":', end, 'latin1');
        end = writeJsonString(buf, end, r.route);
        end = end + buf.write(',"path":', end, 'latin1');
      } else end = put(buf, end, part);
      end = writeJsonString(buf, end, r.path);
      const status = statusPart.get(r.status);
      if (status === undefined) {
        end = end + buf.write(`,"status":${r.status},"duration_ms":`, end, 'latin1');
      } else end = put(buf, end, status);
      end = writeNumber(buf, end, r.durationMs);
      end = put(buf, end, REQUEST_ID);
      end = writeJsonString(buf, end, r.requestId);
      return put(buf, end, TAIL);
    },
  };
}

const put = (buf: Buffer, at: number, part: Buffer) => {
  buf.set(part, at);
  return at + part.length;
};

/** A map that builds its values on first use and holds at most `max` (later keys: undefined). */
class SmallCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    private readonly max: number,
    private readonly build: (key: K) => V,
  ) {}

  get(key: K): V | undefined {
    let value = this.map.get(key);
    if (value === undefined && this.map.size < this.max) {
      value = this.build(key);
      this.map.set(key, value);
    }
    return value;
  }
}

/** The access line of `record` at `timeMs`, as a string (see {@link accessLineBytes}). */
export function accessLineRenderer(
  level: Exclude<LogLevel, 'silent'>,
  base: Record<string, unknown>,
): (record: AccessRecord, timeMs: number) => string {
  const lines = accessLineBytes(level, base);
  return (record, timeMs) => {
    const buf = Buffer.allocUnsafe(lines.maxBytes(record));
    return buf.toString('utf8', 0, lines.render(buf, 0, record, timeMs));
  };
}

/** A destination that takes lines rendered straight into its buffer (log-destination.ts). */
const rendersInPlace = (
  stream: pino.DestinationStream,
): stream is pino.DestinationStream & Pick<LogDestination, 'writeWith'> =>
  typeof (stream as Partial<LogDestination>).writeWith === 'function';

/**
 * The access log of `logger` at `level`: lines go straight to the logger's destination (rendered
 * into its buffer when it is a {@link LogDestination}). Undefined when that level is off
 * (`silent`, or below the logger's level).
 */
export function createAccessLog(logger: Logger, level: LogLevel): AccessLog | undefined {
  if (level === 'silent' || !logger.isLevelEnabled(level)) return undefined;
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream | undefined>)[
    pino.symbols.streamSym
  ];
  if (stream === undefined) throw new Error('logger has no destination stream');
  const lines = accessLineBytes(level, logger.bindings());
  if (rendersInPlace(stream)) {
    const render: LineRenderer<AccessRecord> = (buf, at, record) =>
      lines.render(buf, at, record, Date.now());
    return (record) => stream.writeWith(lines.maxBytes(record), render, record);
  }
  const scratch = { buf: Buffer.alloc(0) };
  return (record) => {
    const max = lines.maxBytes(record);
    if (scratch.buf.length < max) scratch.buf = Buffer.allocUnsafe(Math.max(max, 1024));
    stream.write(scratch.buf.toString('utf8', 0, lines.render(scratch.buf, 0, record, Date.now())));
  };
}
