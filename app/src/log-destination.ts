import { writeSync } from 'node:fs';

/** A log destination that can write out what it holds, synchronously. */
export interface LogDestination {
  write(line: string): void;
  /**
   * Writes the line `render(buf, at, arg)` puts straight into the held bytes (at most `maxBytes`
   * of UTF-8): no string is built for it. Dropped and counted like {@link write}'s lines.
   */
  writeWith<T>(maxBytes: number, render: LineRenderer<T>, arg: T): void;
  /**
   * Writes held lines now, in order, waiting at most `maxWaitMs` for a stuck reader (default 0:
   * what the pipe does not take stays held for the next try). Never throws.
   */
  flushSync(maxWaitMs?: number): void;
  /** Same as {@link flushSync} (no waiting), then calls `done`; pino's `logger.flush(cb)` calls it. */
  flush(done?: () => void): void;
  /** Writes what is held (waiting for the reader like the final flush) and stops the flush timer. */
  close(): void;
  /** Bytes held, not yet written. */
  pending(): number;
  /** Lines dropped since the start because the reader was too slow (or gone). */
  dropped(): number;
}

export interface BufferedOptions {
  /** File descriptor to write to (1: stdout). Should be non-blocking (see `nonBlockingStdout`). */
  fd: number;
  /** Held bytes that trigger a write. */
  bufferSize: number;
  /** Longest time a line is held, in ms (an unref'd timer: it never keeps the process alive). */
  flushIntervalMs: number;
  /**
   * Most bytes held while the reader does not keep up (default 512 Ki); lines that would
   * go past it are dropped and counted. Bounds the memory a stuck stdout can take.
   */
  maxHeld?: number;
  /** How long {@link LogDestination.close} waits for a stuck reader (default 500 ms). */
  closeWaitMs?: number;
  /** The warning line that ends the first batch written after drops. */
  droppedLine?: (dropped: number, total: number, timeMs: number) => string;
  /**
   * Least time between two warning lines (default 10 s): a reader that is slow rather than stuck
   * gets one line per interval with the count since the previous one, not one per batch.
   */
  reportIntervalMs?: number;
  /** Clock (ms); injectable for tests. */
  now?: () => number;
  /** Blocks for about `ms` before a retry while waiting for the reader; injectable for tests. */
  pause?: (ms: number) => void;
  /** `fs.writeSync`; injectable for tests. */
  writer?: (fd: number, data: Uint8Array) => number;
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number) => {
  Atomics.wait(PAUSE, 0, 0, ms);
};

const defaultDroppedLine = (dropped: number, total: number, timeMs: number) =>
  `${JSON.stringify({ level: 'warn', time: timeMs, dropped, dropped_total: total, msg: 'log lines dropped: stdout was not read fast enough' })}\n`;

const countLines = (data: Uint8Array) => {
  let n = 0;
  for (const byte of data) if (byte === 0x0a) n += 1;
  return n;
};

/**
 * Writes `data` until done, pausing 1 ms at a time while the reader answers `EAGAIN`. Returns what
 * the reader did not take within `maxWaitMs` (`left`), or `broken` and what was not written when
 * another error says the reader is gone.
 */
function writeOut(
  write: (data: Uint8Array) => number,
  data: Uint8Array,
  maxWaitMs: number,
  pause: (ms: number) => void,
): { left: Uint8Array | undefined; broken: false } | { left: Uint8Array; broken: true } {
  let waitedMs = 0;
  while (data.length > 0) {
    try {
      data = data.subarray(write(data));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return { left: data, broken: true };
      if (waitedMs >= maxWaitMs) return { left: data, broken: false };
      pause(1);
      waitedMs += 1;
    }
  }
  return { left: undefined, broken: false };
}

/** Counts dropped lines; `report()` gives the warning line when one is due, else ''. */
function dropCounter(options: BufferedOptions) {
  const droppedLine = options.droppedLine ?? defaultDroppedLine;
  const reportIntervalMs = options.reportIntervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let lastReport = Number.NEGATIVE_INFINITY;
  let unreported = 0;
  let total = 0;
  return {
    drop(lines: number): void {
      unreported += lines;
      total += lines;
    },
    total: () => total,
    /** At most one line per `reportIntervalMs`, for the drops since the last one. */
    report(): string {
      if (unreported === 0 || now() - lastReport < reportIntervalMs) return '';
      lastReport = now();
      const line = droppedLine(unreported, total, lastReport);
      unreported = 0;
      return line;
    },
  };
}

/**
 * Renders one line into `buf` from byte `at` (at most the `maxBytes` announced to
 * {@link LogDestination.writeWith}) and returns the offset just past it.
 */
export type LineRenderer<T> = (buf: Buffer, at: number, arg: T) => number;

/**
 * Collects log lines in memory, as UTF-8 bytes in one reused buffer, and writes them with one
 * `write(2)` per `bufferSize` bytes or per `flushIntervalMs`, whichever comes first.
 *
 * The descriptor is meant to be non-blocking: a reader that does not keep up makes `write(2)`
 * fail with `EAGAIN` (or take part of the batch) instead of stopping the event loop. What it does
 * not take stays held, in order (a partly written line is always finished first), and is retried
 * by the timer; while held bytes are at `maxHeld`, new lines are dropped and counted — never held
 * without bound, never waited for. The first batch written after drops ends with a warning
 * line giving the count (at most one such line per `reportIntervalMs`). Only {@link LogDestination.close} and an explicit
 * `flushSync(ms)` (the exit path) wait, and only for a bounded time. A closed reader (`EPIPE`) or
 * another write error turns logging off for good (what comes later is counted as dropped).
 */
/** `options`' defaults filled in. */
function settings(options: BufferedOptions) {
  const writer = options.writer ?? writeSync;
  return {
    pause: options.pause ?? sleepSync,
    write: (chunk: Uint8Array) => writer(options.fd, chunk),
    maxHeld: options.maxHeld ?? 512 * 1024,
    closeWaitMs: options.closeWaitMs ?? 500,
  };
}

/** A buffer holding `buf[0, used)` with room for `bytes` more (up to maxHeld and one line). */
function grown(buf: Buffer, used: number, bytes: number, maxHeld: number): Buffer {
  const bigger = Buffer.allocUnsafeSlow(
    Math.max(used + bytes, Math.min(buf.length * 2, maxHeld + 4096)),
  );
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

/**
 * Writes `buf[0, used)` (see {@link writeOut}). What the reader did not take moves to the front of
 * `buf`, to be written first next time: `held` is its length. `lostLines` counts the lines not
 * written when the reader is gone (`broken`; nothing is held then).
 */
function writeHeld(
  buf: Buffer,
  used: number,
  maxWaitMs: number,
  write: (data: Uint8Array) => number,
  pause: (ms: number) => void,
): { held: number; broken: boolean; lostLines: number } {
  const result = writeOut(write, buf.subarray(0, used), maxWaitMs, pause);
  if (result.broken) return { held: 0, broken: true, lostLines: countLines(result.left) };
  const held = result.left?.length ?? 0;
  if (held > 0) buf.copyWithin(0, used - held, used);
  return { held, broken: false, lostLines: 0 };
}

export function bufferedLogDestination(options: BufferedOptions): LogDestination {
  const { pause, write, maxHeld, closeWaitMs } = settings(options);
  const drops = dropCounter(options);
  const drop = drops.drop;
  /** Held bytes are `buf[0, used)`: grown (up to maxHeld and one line) only while a reader is slow. */
  let buf: Buffer = Buffer.allocUnsafeSlow(Math.min(options.bufferSize, maxHeld) + 1024);
  let used = 0;
  /** The reader refused the last write: wait for the timer instead of retrying on every line. */
  let blocked = false;
  let broken = false;

  /** Makes room for `bytes` more after what is held. */
  const room = (bytes: number) => {
    if (used + bytes > buf.length) buf = grown(buf, used, bytes, maxHeld);
  };

  /** Keeps the line just rendered in `buf[used, end)`, or drops it when that goes past maxHeld. */
  const keep = (end: number) => {
    if (end > maxHeld) {
      drop(1);
      return;
    }
    used = end;
    if (used >= options.bufferSize && !blocked) flushSync(0);
  };

  const flushSync = (maxWaitMs = 0) => {
    if (broken) return; // nothing is held once the reader is gone
    const report = drops.report();
    if (report.length > 0) {
      room(report.length * 3);
      used += buf.write(report, used);
    }
    if (used === 0) {
      blocked = false;
      return;
    }
    const result = writeHeld(buf, used, maxWaitMs, write, pause);
    broken = result.broken;
    if (broken) drop(result.lostLines);
    used = result.held;
    blocked = used > 0;
  };

  const timer = setInterval(() => flushSync(0), options.flushIntervalMs).unref();

  return {
    write(line) {
      if (broken || used + line.length > maxHeld) {
        drop(1);
        return;
      }
      room(line.length * 3);
      keep(used + buf.write(line, used));
    },
    writeWith(maxBytes, render, arg) {
      if (broken || used >= maxHeld) {
        drop(1);
        return;
      }
      room(maxBytes);
      keep(render(buf, used, arg));
    },
    flushSync,
    flush(done) {
      flushSync(0);
      done?.();
    },
    close() {
      clearInterval(timer);
      flushSync(closeWaitMs);
      drop(countLines(buf.subarray(0, used)));
      used = 0;
    },
    pending: () => used,
    dropped: drops.total,
  };
}
