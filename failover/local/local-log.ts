/**
 * Readable log lines for the local environment (pure): a wall-clock time, the level, the replica,
 * then the message. A decision reads `decision (mode/step): reason; reason → action, action`.
 * The controller in a cluster logs JSON through pino instead (src/cli.ts).
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Whether a line at `level` is shown when the threshold is `threshold` (pino's order). */
export const enabled = (level: Level, threshold: Level): boolean => rank[level] >= rank[threshold];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** HH:MM:SS.mmm in the machine's local time. */
export function clock(at: Date): string {
  const hms = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => pad(n)).join(':');
  return `${hms}.${pad(at.getMilliseconds(), 3)}`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

interface Decision {
  mode?: string;
  step?: string | null;
  reasons?: string[];
  actions?: string[];
  dryRun?: boolean;
}

function describe(msg: string, fields: Record<string, unknown>): string {
  if (msg === 'decision') {
    const d = fields as Decision;
    const where = d.step ? `${d.mode}/${d.step}` : (d.mode ?? '?');
    const acts = d.actions && d.actions.length > 0 ? ` → ${d.actions.join(', ')}` : '';
    const dry = d.dryRun ? ' (dry run)' : '';
    return `decision (${where})${dry}: ${(d.reasons ?? []).join('; ')}${acts}`;
  }
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${value(v)}`);
  return [msg, ...rest].join(' ');
}

/** One line: `12:00:01.250 INFO  replica-a decision (standby): round failed: …`. */
export function formatLogLine(
  at: Date,
  level: Level,
  replica: string,
  msg: string,
  fields: Record<string, unknown>,
): string {
  return `${clock(at)} ${level.toUpperCase().padEnd(5)} ${replica} ${describe(msg, fields)}`;
}
