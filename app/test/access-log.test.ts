import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AccessRecord, accessLineRenderer, createAccessLog } from '../src/access-log.js';
import { bufferedLogDestination } from '../src/log-destination.js';
import { createLogger } from '../src/logger.js';

/** A logger whose lines are captured as strings. */
function capture(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    pod: 'pod-"1"',
    version: '1.2.3',
    destination: { write: (line: string) => lines.push(line) },
  });
  return { lines, logger };
}

const record: AccessRecord = {
  method: 'GET',
  route: 'unmatched',
  path: '/a"b\\c\u2028\u00e9',
  status: 404,
  durationMs: 0.125,
  requestId: 'req-1',
};

describe('access line', () => {
  it('is the line pino writes for the same call, key for key', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        method: record.method,
        route: record.route,
        path: record.path,
        status: record.status,
        duration_ms: record.durationMs,
        request_id: record.requestId,
      },
      'request',
    );
    const fromPino = lines[0] ?? '';
    const time = (JSON.parse(fromPino) as { time: number }).time;
    const ours = accessLineRenderer('info', logger.bindings())(record, time);
    expect(ours.endsWith('\n')).toBe(true);
    expect(Object.entries(JSON.parse(ours) as object)).toEqual(
      Object.entries(JSON.parse(fromPino) as object),
    );
  });

  it('goes to the logger destination, at the configured level', () => {
    const { lines, logger } = capture();
    createAccessLog(logger, 'warn')?.(record);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'warn',
      msg: 'request',
      pod: 'pod-"1"',
      status: 404,
      request_id: 'req-1',
    });
  });

  it('is off when silent or below the logger level', () => {
    const { logger } = capture('warn');
    expect(createAccessLog(logger, 'silent')).toBeUndefined();
    expect(createAccessLog(logger, 'info')).toBeUndefined();
    expect(createAccessLog(logger, 'error')).toBeTypeOf('function');
  });
});

/** Records whose strings need every kind of JSON escaping, or none. */
const HOSTILE: AccessRecord[] = [
  { ...record, path: '/', requestId: '0cfb8c7c-6b5c-46b7-8eea-927786c153c3' },
  { ...record, path: '/"quoted"\\back\\slash"' },
  {
    ...record,
    path: `/ctl${Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('')}\u007f`,
  },
  { ...record, path: '/sep\u2028\u2029/latin1\u00e9\u00ff\u0080/emoji\u{1f600}' },
  { ...record, path: '/lone\ud800/\udfff/end\ud83d' },
  { ...record, path: `/${'x'.repeat(256)}…` },
  { ...record, path: '"'.repeat(257), requestId: '\\'.repeat(128) },
  { ...record, method: 'M"E\\T\nH', route: 'r"o\u0000ute', path: '' },
  { ...record, requestId: 'id\u2028"<script>' },
  { ...record, status: 499, durationMs: 0 },
  { ...record, durationMs: 1234.5 },
  { ...record, durationMs: 0.001 },
  { ...record, durationMs: 60_000.999 },
  { ...record, durationMs: 12 },
];

/** The line `JSON.stringify` gives for the same fields in the same order. */
function expectedLine(level: string, bindings: object, r: AccessRecord, time: number): string {
  return `${JSON.stringify({
    level,
    time,
    ...bindings,
    method: r.method,
    route: r.route,
    path: r.path,
    status: r.status,
    duration_ms: r.durationMs,
    request_id: r.requestId,
    msg: 'request',
  })}\n`;
}

describe('access line with hostile values', () => {
  it('is byte for byte what JSON.stringify gives, for a plain stream destination', () => {
    const { lines, logger } = capture();
    const log = createAccessLog(logger, 'info');
    for (const r of HOSTILE) log?.(r);
    expect(lines).toHaveLength(HOSTILE.length);
    HOSTILE.forEach((r, i) => {
      const line = lines[i] ?? '';
      const time = (JSON.parse(line) as { time: number }).time;
      expect(line).toBe(expectedLine('info', logger.bindings(), r, time));
    });
  });

  it('is byte for byte what JSON.stringify gives, UTF-8 encoded, through the buffered stdout', () => {
    const written: Buffer[] = [];
    const dest = bufferedLogDestination({
      fd: 99,
      bufferSize: 1 << 20,
      flushIntervalMs: 60_000,
      writer: (_fd, data) => {
        written.push(Buffer.from(data));
        return data.length;
      },
    });
    const logger = createLogger({
      level: 'info',
      pod: 'pod-"1"',
      version: '1.2.3',
      destination: dest,
    });
    const log = createAccessLog(logger, 'info');
    for (const r of HOSTILE) log?.(r);
    dest.flushSync();
    const bytes = Buffer.concat(written);
    const lines = bytes.toString('utf8').split('\n').slice(0, -1);
    expect(lines).toHaveLength(HOSTILE.length);
    const expected = HOSTILE.map((r, i) => {
      const time = (JSON.parse(lines[i] ?? '') as { time: number }).time;
      return expectedLine('info', logger.bindings(), r, time);
    });
    expect(bytes.equals(Buffer.from(expected.join(''), 'utf8'))).toBe(true);
    dest.close();
  });
});

/** An access log on a buffered destination that never flushes by itself; `lines()` reads what it wrote. */
function buffered() {
  const written: Buffer[] = [];
  const dest = bufferedLogDestination({
    fd: 99,
    bufferSize: 1 << 20,
    flushIntervalMs: 60_000,
    writer: (_fd, data) => {
      written.push(Buffer.from(data));
      return data.length;
    },
  });
  const logger = createLogger({ level: 'info', pod: 'p', version: '1', destination: dest });
  const log = createAccessLog(logger, 'info');
  if (log === undefined) throw new Error('access log off');
  const lines = () =>
    Buffer.concat(written)
      .toString('utf8')
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { dest, logger, log, lines };
}

describe('access lines through the buffered stdout', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keep their order with the other log lines', () => {
    const { dest, logger, log, lines } = buffered();
    log({ ...record, requestId: 'first' });
    logger.warn('between');
    log({ ...record, requestId: 'second' });
    dest.flushSync();
    expect(lines().map((l) => l.request_id ?? l.msg)).toEqual(['first', 'between', 'second']);
    dest.close();
  });

  it('carry the time each request completed, not the time they were written out', () => {
    const { dest, log, lines } = buffered();
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(1_000);
    log(record);
    now.mockReturnValue(2_000);
    log(record);
    now.mockReturnValue(9_000);
    dest.flushSync();
    expect(lines().map((l) => l.time)).toEqual([1_000, 2_000]);
    dest.close();
  });
});
