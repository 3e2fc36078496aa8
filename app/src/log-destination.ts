import { writeSync } from 'node:fs';

/** A log destination that can write out what it holds, synchronously. */
export interface LogDestination {
  write(line: string): void;
  /** Writes every held line now, in order. Never throws. */
  flushSync(): void;
  /** Same as {@link flushSync}, then calls `done`; pino's `logger.flush(cb)` calls it. */
  flush(done?: () => void): void;
  /** Writes what is held and stops the flush timer. */
  close(): void;
  /** Characters held, not yet written. */
  pending(): number;
}

export interface BufferedOptions {
  /** File descriptor to write to (1: stdout). */
  fd: number;
  /** Held characters that trigger a write. */
  bufferSize: number;
  /** Longest time a line is held, in ms (an unref'd timer: it never keeps the process alive). */
  flushIntervalMs: number;
  /**
   * Longest time one flush waits for a slow reader (EAGAIN) before it drops the rest of its batch
   * (default 500 ms): logging must not stall requests and probes for longer than that.
   */
  maxStallMs?: number;
  /** Blocks for about `ms` before a retry when the reader is slow; injectable for tests. */
  pause?: (ms: number) => void;
  /** `fs.writeSync`; injectable for tests. */
  writer?: (fd: number, data: Uint8Array) => number;
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number) => {
  Atomics.wait(PAUSE, 0, 0, ms);
};

/**
 * Collects log lines in memory and writes them with one synchronous `write(2)` per
 * `bufferSize` characters or per `flushIntervalMs`, whichever comes first. Synchronous writes mean
 * nothing is ever in flight: after `flushSync()` every line is in the kernel, in order — which
 * is what makes it safe to call from `process.on('exit')`.
 *
 * A slow reader (`EAGAIN` on a non-blocking pipe) is waited for up to `maxStallMs` per flush; past
 * that the rest of the batch is dropped and counted, and the next write that succeeds starts with
 * a warning line saying how many lines were lost. A closed reader (`EPIPE`) or another write error
 * turns logging off for good (nothing is held any more) rather than failing requests.
 */
export function bufferedLogDestination(options: BufferedOptions): LogDestination {
  const pause = options.pause ?? sleepSync;
  const writer = options.writer ?? ((fd: number, data: Uint8Array) => writeSync(fd, data));
  const maxStallMs = options.maxStallMs ?? 500;
  let held = '';
  let broken = false;
  let dropped = 0;

  const countLines = (data: Uint8Array) => {
    let n = 0;
    for (const byte of data) if (byte === 0x0a) n += 1;
    return n;
  };

  const writeAll = (text: string) => {
    let data = Buffer.from(text, 'utf8');
    let stalledMs = 0;
    while (data.length > 0) {
      try {
        data = data.subarray(writer(options.fd, data));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN' && stalledMs < maxStallMs) {
          pause(1);
          stalledMs += 1;
          continue;
        }
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          dropped += countLines(data);
          return;
        }
        broken = true;
        return;
      }
    }
  };

  const flushSync = () => {
    if (broken) {
      held = '';
      return;
    }
    if (held.length === 0) return;
    let text = held;
    held = '';
    if (dropped > 0) {
      text = `${JSON.stringify({ level: 40, time: Date.now(), dropped, msg: 'log lines dropped: the stdout reader was too slow' })}\n${text}`;
      dropped = 0;
    }
    writeAll(text);
  };

  const timer = setInterval(flushSync, options.flushIntervalMs);
  timer.unref();

  return {
    write(line) {
      if (broken) return;
      held += line;
      if (held.length >= options.bufferSize) flushSync();
    },
    flushSync,
    flush(done) {
      flushSync();
      done?.();
    },
    close() {
      clearInterval(timer);
      flushSync();
    },
    pending: () => held.length,
  };
}
