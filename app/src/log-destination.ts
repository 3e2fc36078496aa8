import { writeSync } from 'node:fs';

/** A log destination that can write out what it holds, synchronously. */
export interface LogDestination {
  write(line: string): void;
  /**
   * Writes held lines now, in order, waiting at most `maxWaitMs` for a stuck reader (default 0:
   * what the pipe does not take stays held for the next try). Never throws.
   */
  flushSync(maxWaitMs?: number): void;
  /** Same as {@link flushSync} (no waiting), then calls `done`; pino's `logger.flush(cb)` calls it. */
  flush(done?: () => void): void;
  /** Writes what is held (waiting for the reader like the final flush) and stops the flush timer. */
  close(): void;
  /** Characters held, not yet written. */
  pending(): number;
  /** Lines dropped since the start because the reader was too slow (or gone). */
  dropped(): number;
}

export interface BufferedOptions {
  /** File descriptor to write to (1: stdout). Should be non-blocking (see `nonBlockingStdout`). */
  fd: number;
  /** Held characters that trigger a write. */
  bufferSize: number;
  /** Longest time a line is held, in ms (an unref'd timer: it never keeps the process alive). */
  flushIntervalMs: number;
  /**
   * Most characters held while the reader does not keep up (default 512 Ki); lines that would
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
 * Collects log lines in memory and writes them with one `write(2)` per `bufferSize` characters
 * or per `flushIntervalMs`, whichever comes first.
 *
 * The descriptor is meant to be non-blocking: a reader that does not keep up makes `write(2)`
 * fail with `EAGAIN` (or take part of the batch) instead of stopping the event loop. What it does
 * not take stays held, in order (a partly written line is always finished first), and is retried
 * by the timer; while held text is at `maxHeld`, new lines are dropped and counted — never held
 * without bound, never waited for. The first batch written after drops ends with a warning
 * line giving the count (at most one such line per `reportIntervalMs`). Only {@link LogDestination.close} and an explicit
 * `flushSync(ms)` (the exit path) wait, and only for a bounded time. A closed reader (`EPIPE`) or
 * another write error turns logging off for good (what comes later is counted as dropped).
 */
export function bufferedLogDestination(options: BufferedOptions): LogDestination {
  const pause = options.pause ?? sleepSync;
  const writer = options.writer ?? ((fd: number, data: Uint8Array) => writeSync(fd, data));
  const maxHeld = options.maxHeld ?? 512 * 1024;
  const drops = dropCounter(options);
  const drop = drops.drop;
  let held = '';
  /** Bytes of a batch the reader has not taken yet (may start mid-line): written first. */
  let rest: Uint8Array | undefined;
  /** The reader refused the last write: wait for the timer instead of retrying on every line. */
  let blocked = false;
  let broken = false;

  /** Writes `data`; returns what the reader did not take in time. An error but EAGAIN breaks it. */
  const out = (data: Uint8Array, maxWaitMs: number): Uint8Array | undefined => {
    const result = writeOut((chunk) => writer(options.fd, chunk), data, maxWaitMs, pause);
    if (!result.broken) return result.left;
    broken = true;
    drop(countLines(result.left));
    return undefined;
  };

  const flushSync = (maxWaitMs = 0) => {
    if (broken) {
      held = '';
      return;
    }
    if (rest !== undefined) {
      rest = out(rest, maxWaitMs);
      if (rest !== undefined || broken) {
        blocked = true;
        return;
      }
    }
    const text = held + drops.report();
    held = '';
    if (text.length === 0) {
      blocked = false;
      return;
    }
    rest = out(Buffer.from(text, 'utf8'), maxWaitMs);
    blocked = rest !== undefined;
  };

  const timer = setInterval(() => flushSync(0), options.flushIntervalMs);
  timer.unref();

  return {
    write(line) {
      if (broken || held.length + (rest?.length ?? 0) + line.length > maxHeld) {
        drop(1);
        return;
      }
      held += line;
      if (held.length >= options.bufferSize && !blocked) flushSync(0);
    },
    flushSync,
    flush(done) {
      flushSync(0);
      done?.();
    },
    close() {
      clearInterval(timer);
      flushSync(options.closeWaitMs ?? 500);
      if (rest !== undefined) {
        drop(countLines(rest));
        rest = undefined;
      }
    },
    pending: () => held.length + (rest?.length ?? 0),
    dropped: drops.total,
  };
}
