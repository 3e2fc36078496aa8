import { fstatSync } from 'node:fs';
import { pino } from 'pino';
import type { LogLevel } from './config.js';
import { bufferedLogDestination, type LogDestination } from './log-destination.js';

export type Logger = pino.Logger;
export type { LogDestination } from './log-destination.js';

/** Bytes of log lines held before they are written (about 70 access lines). */
export const LOG_BUFFER_SIZE = 16 * 1024;
/** Longest time a line is held before it is written. */
export const LOG_FLUSH_INTERVAL_MS = 200;

/** Most bytes held while stdout is not read (about 2 000 access lines); later lines are dropped. */
export const LOG_MAX_HELD = 512 * 1024;
/** Longest wait for a stuck stdout reader on the way out. */
export const LOG_EXIT_WAIT_MS = 500;

/**
 * Makes stdout non-blocking when it is a pipe or a socket (a container runtime's log pipe), so a
 * reader that stops reading makes `write(2)` fail with EAGAIN instead of freezing the event loop.
 * A pipe inherited on fd 1 is blocking (the parent made it so); opening `process.stdout` on a
 * pipe or socket has libuv open it non-blocking, as Node documents ("A note on process I/O":
 * pipes and sockets are asynchronous on POSIX, https://nodejs.org/api/process.html#a-note-on-process-io),
 * and Node puts the original flags back when the process exits. Files and terminals are left as
 * they are (a file never stalls). Returns whether stdout is now a non-blocking pipe or socket.
 */
export function nonBlockingStdout(): boolean {
  try {
    const stat = fstatSync(1);
    if (!stat.isFIFO() && !stat.isSocket()) return false;
  } catch {
    return false; // fd 1 closed: writes fail with EBADF and logging turns itself off
  }
  // Only opened for its side effect; nothing is written through the stream.
  return process.stdout.writable;
}

/**
 * Buffered, non-blocking stdout (see {@link bufferedLogDestination}): one `write(2)` per ~70
 * access lines; a stuck reader never stalls serving (lines past {@link LOG_MAX_HELD} are dropped
 * and counted). The entry point flushes it on `exit` (crashes included). `base` (the logger's
 * identity fields) goes into the warning line that reports dropped lines.
 */
export function bufferedStdout(base: Record<string, string> = {}, fd = 1): LogDestination {
  if (fd === 1) nonBlockingStdout();
  const fields = Object.entries(base)
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join('');
  return bufferedLogDestination({
    fd,
    bufferSize: LOG_BUFFER_SIZE,
    flushIntervalMs: LOG_FLUSH_INTERVAL_MS,
    maxHeld: LOG_MAX_HELD,
    closeWaitMs: LOG_EXIT_WAIT_MS,
    droppedLine: (dropped, total, time) =>
      `{"level":"warn","time":${time}${fields},"dropped":${dropped},"dropped_total":${total},"msg":"log lines dropped: stdout was not read fast enough"}\n`,
  });
}

/** Identity fields written on every log line. */
export interface LoggerOptions {
  level: LogLevel;
  pod: string;
  version: string;
  /** Where lines go; defaults to a buffered stdout ({@link bufferedStdout}). */
  destination?: pino.DestinationStream;
}

/** A JSON logger (`time` in epoch ms, level as a word). */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? bufferedStdout();
  return pino(
    {
      level: options.level,
      base: { service: 'demo-app', pod: options.pod, version: options.version },
      // Epoch milliseconds (pino's default `time`): formatting ISO dates on every access line
      // costs a few percent of throughput.
      timestamp: pino.stdTimeFunctions.epochTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
