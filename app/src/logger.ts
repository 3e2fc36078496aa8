import { pino } from 'pino';
import type { LogLevel } from './config.js';

export type Logger = pino.Logger;

/** Identity fields written on every log line. */
export interface LoggerOptions {
  level: LogLevel;
  pod: string;
  version: string;
  /** Where lines go; defaults to an asynchronous stdout stream. */
  destination?: pino.DestinationStream;
}

/** A JSON logger to stdout (ISO time, level as a word). */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: 'demo-app', pod: options.pod, version: options.version },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
