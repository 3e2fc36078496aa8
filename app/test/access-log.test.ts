import { describe, expect, it } from 'vitest';
import { type AccessRecord, accessLineRenderer, createAccessLog } from '../src/access-log.js';
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
