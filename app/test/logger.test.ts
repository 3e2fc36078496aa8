import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferedLogDestination } from '../src/log-destination.js';
import { createLogger } from '../src/logger.js';

/** A fake `write(2)`: records what was written; `plan` scripts each call's outcome. */
function fakeFd(plan: ('all' | 'half' | 'EAGAIN' | 'EPIPE')[] = []) {
  const chunks: string[] = [];
  const writer = (_fd: number, data: Uint8Array) => {
    const step = plan.shift() ?? 'all';
    if (step === 'EAGAIN' || step === 'EPIPE') {
      throw Object.assign(new Error(step), { code: step });
    }
    const n = step === 'half' ? Math.ceil(data.length / 2) : data.length;
    chunks.push(Buffer.from(data.subarray(0, n)).toString('utf8'));
    return n;
  };
  return { chunks, writer, text: () => chunks.join('') };
}

const options = { fd: 99, bufferSize: 100, flushIntervalMs: 60_000 };

describe('buffered log destination', () => {
  it('holds lines below the buffer size, then writes them in one call, in order', () => {
    const fd = fakeFd();
    const dest = bufferedLogDestination({ ...options, writer: fd.writer });
    dest.write('a\n');
    dest.write('b\n');
    expect(fd.chunks).toEqual([]);
    dest.flushSync();
    expect(fd.chunks).toEqual(['a\nb\n']);
    dest.flushSync();
    expect(fd.chunks).toHaveLength(1);
    dest.close();
  });

  it('writes by itself once the buffer size is reached', () => {
    const fd = fakeFd();
    const dest = bufferedLogDestination({ ...options, writer: fd.writer });
    const line = `${'x'.repeat(39)}\n`;
    dest.write(line);
    dest.write(line);
    expect(fd.chunks).toEqual([]);
    dest.write(line);
    expect(fd.chunks).toEqual([line.repeat(3)]);
    dest.close();
  });

  it('writes held lines after the flush interval with no further logging', async () => {
    const fd = fakeFd();
    const dest = bufferedLogDestination({ ...options, flushIntervalMs: 20, writer: fd.writer });
    dest.write('only\n');
    for (let i = 0; i < 50 && fd.chunks.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fd.text()).toBe('only\n');
    dest.close();
  });

  it('keeps what a slow reader did not take (EAGAIN, partial write) and writes it first, never waiting', () => {
    const fd = fakeFd(['half', 'EAGAIN', 'all', 'all']);
    const pauses: number[] = [];
    const dest = bufferedLogDestination({
      ...options,
      writer: fd.writer,
      pause: (ms) => pauses.push(ms),
    });
    dest.write('first line é\n');
    dest.write('second line\n');
    dest.flushSync();
    expect(pauses).toEqual([]);
    expect(dest.pending()).toBeGreaterThan(0);
    dest.write('third\n');
    dest.flushSync();
    expect(fd.text()).toBe('first line é\nsecond line\nthird\n');
    expect(dest.dropped()).toBe(0);
    dest.close();
  });

  it('waits for a slow reader only when asked to (the exit flush), and for a bounded time', () => {
    const fd = fakeFd(['EAGAIN', 'EAGAIN', 'all']);
    const pauses: number[] = [];
    const dest = bufferedLogDestination({
      ...options,
      writer: fd.writer,
      pause: (ms) => pauses.push(ms),
    });
    dest.write('last words\n');
    dest.flushSync(50);
    expect(pauses).toEqual([1, 1]);
    expect(fd.text()).toBe('last words\n');
    dest.close();
  });

  it('stops logging when the reader is gone (EPIPE) instead of throwing, and holds nothing more', () => {
    const fd = fakeFd(['EPIPE']);
    const dest = bufferedLogDestination({ ...options, writer: fd.writer });
    dest.write('lost\n');
    expect(() => dest.flushSync()).not.toThrow();
    for (let i = 0; i < 1000; i++) dest.write('y'.repeat(50));
    dest.write('x'.repeat(200));
    expect(fd.chunks).toEqual([]);
    expect(dest.pending()).toBe(0);
    dest.close();
  });

  it('holds at most maxHeld characters while the reader is stuck, drops and counts the rest, then reports them', () => {
    const fd = fakeFd(Array.from({ length: 6 }, () => 'EAGAIN' as const));
    const dest = bufferedLogDestination({
      ...options,
      bufferSize: 10,
      maxHeld: 30,
      writer: fd.writer,
      droppedLine: (dropped, total) => `dropped ${dropped} of ${total}\n`,
    });
    for (let i = 0; i < 10; i++) dest.write(`line ${i}\n`); // 7 characters each
    expect(dest.pending()).toBeLessThanOrEqual(30);
    expect(dest.dropped()).toBe(6);
    for (let i = 0; i < 5; i++) dest.flushSync(); // the reader stays stuck: nothing is lost
    expect(fd.chunks).toEqual([]);
    dest.flushSync(); // the reader is back
    expect(fd.text()).toBe('line 0\nline 1\nline 2\nline 3\ndropped 6 of 6\n');
    dest.write('line 10\n');
    dest.flushSync();
    expect(fd.text().endsWith('dropped 6 of 6\nline 10\n')).toBe(true);
    dest.close();
  });

  it('writes at most one warning line per reportIntervalMs, with the count since the last one', () => {
    let clock = 0;
    const plan: ('all' | 'EAGAIN')[] = [];
    const fd = fakeFd(plan);
    const dest = bufferedLogDestination({
      ...options,
      bufferSize: 1_000,
      maxHeld: 10,
      reportIntervalMs: 1000,
      now: () => clock,
      writer: fd.writer,
      droppedLine: (dropped, total) => `dropped ${dropped} of ${total}\n`,
    });
    const round = () => {
      plan.push('EAGAIN');
      dest.write('123456\n');
      dest.flushSync(); // stuck: held
      dest.write('789012\n'); // over maxHeld: dropped
      dest.flushSync(); // the reader is back
    };
    round();
    clock = 500;
    round();
    expect(fd.text()).toBe('123456\ndropped 1 of 1\n123456\n');
    clock = 1000; // the warning goes with the next batch: the line dropped in this round is left for later
    round();
    expect(fd.text().endsWith('123456\n123456\ndropped 1 of 2\n')).toBe(true);
    clock = 2000;
    dest.flushSync();
    expect(fd.text().endsWith('dropped 1 of 2\ndropped 1 of 3\n')).toBe(true);
    dest.close();
  });

  it('counts lines written after the reader is gone as dropped', () => {
    const fd = fakeFd(['EPIPE']);
    const dest = bufferedLogDestination({ ...options, writer: fd.writer });
    dest.write('a\n');
    dest.write('b\n');
    dest.flushSync();
    dest.write('c\n');
    expect(dest.dropped()).toBe(3);
    dest.close();
  });

  it('backs a pino logger: logger.flush() puts every line in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-app-log-'));
    try {
      const file = join(dir, 'out.log');
      const dest = bufferedLogDestination({
        ...options,
        bufferSize: 10_000,
        fd: openSync(file, 'a'),
      });
      const logger = createLogger({ level: 'info', pod: 'p', version: 'v', destination: dest });
      logger.info({ n: 1 }, 'request');
      logger.info({ n: 2 }, 'request');
      expect(readFileSync(file, 'utf8')).toBe('');
      let flushed = false;
      logger.flush(() => {
        flushed = true;
      });
      expect(flushed).toBe(true);
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toMatchObject([
        { level: 'info', msg: 'request', n: 1, pod: 'p', service: 'demo-app' },
        { n: 2 },
      ]);
      dest.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Renders `text` (ASCII) into the destination's buffer, as the access log does. */
const renderText = (buf: Buffer, at: number, text: string) => at + buf.write(text, at, 'latin1');

describe('buffered log destination, lines rendered in place (writeWith)', () => {
  it('keeps them in order with written lines, and writes them by itself at the buffer size', () => {
    const fd = fakeFd();
    const dest = bufferedLogDestination({ ...options, writer: fd.writer });
    dest.write('one é\n');
    dest.writeWith(100, renderText, 'two\n');
    dest.write('three\n');
    expect(fd.chunks).toEqual([]);
    dest.writeWith(200, renderText, `${'x'.repeat(99)}\n`);
    expect(fd.text()).toBe(`one é\ntwo\nthree\n${'x'.repeat(99)}\n`);
    dest.close();
  });

  it('takes lines longer than its buffer', () => {
    const fd = fakeFd();
    const dest = bufferedLogDestination({ ...options, bufferSize: 10, writer: fd.writer });
    const long = `${'y'.repeat(5000)}\n`;
    dest.writeWith(long.length, renderText, long);
    expect(fd.text()).toBe(long);
    dest.close();
  });

  it('drops and counts them past maxHeld while the reader is stuck, then reports them', () => {
    const fd = fakeFd(['EAGAIN', 'EAGAIN']);
    const dest = bufferedLogDestination({
      ...options,
      bufferSize: 10,
      maxHeld: 30,
      writer: fd.writer,
      droppedLine: (dropped, total) => `dropped ${dropped} of ${total}\n`,
    });
    for (let i = 0; i < 10; i++) dest.writeWith(64, renderText, `line ${i}\n`);
    expect(dest.pending()).toBeLessThanOrEqual(30);
    expect(dest.dropped()).toBe(6);
    dest.flushSync(); // still stuck
    expect(fd.chunks).toEqual([]);
    dest.flushSync();
    expect(fd.text()).toBe('line 0\nline 1\nline 2\nline 3\ndropped 6 of 6\n');
    dest.close();
  });

  it('counts them as dropped once the reader is gone', () => {
    const fd = fakeFd(['EPIPE']);
    const dest = bufferedLogDestination({ ...options, writer: fd.writer });
    dest.writeWith(64, renderText, 'a\n');
    dest.flushSync();
    dest.writeWith(64, renderText, 'b\n');
    dest.writeWith(64, renderText, 'c\n');
    expect(dest.dropped()).toBe(3);
    expect(dest.pending()).toBe(0);
    dest.close();
  });
});
