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
}

export interface BufferedOptions {
  /** File descriptor to write to (1: stdout). */
  fd: number;
  /** Held characters that trigger a write. */
  bufferSize: number;
  /** Longest time a line is held, in ms (an unref'd timer: it never keeps the process alive). */
  flushIntervalMs: number;
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
 * A slow reader (`EAGAIN` on a non-blocking pipe) is waited for, as pino's own synchronous
 * destination does; a closed reader (`EPIPE`) or another write error drops logging for good
 * rather than failing requests.
 */
export function bufferedLogDestination(options: BufferedOptions): LogDestination {
  const pause = options.pause ?? sleepSync;
  const writer = options.writer ?? ((fd: number, data: Uint8Array) => writeSync(fd, data));
  let held = '';
  let broken = false;

  const writeAll = (text: string) => {
    let data = Buffer.from(text, 'utf8');
    while (data.length > 0) {
      try {
        data = data.subarray(writer(options.fd, data));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          pause(1);
          continue;
        }
        broken = true;
        return;
      }
    }
  };

  const flushSync = () => {
    if (held.length === 0 || broken) return;
    const text = held;
    held = '';
    writeAll(text);
  };

  const timer = setInterval(flushSync, options.flushIntervalMs);
  timer.unref();

  return {
    write(line) {
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
  };
}
