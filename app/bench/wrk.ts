/** Figures read from wrk's `--latency` report. */
export interface WrkResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Requests completed during the run. */
  requests: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function toMs(value: string, unit: string): number {
  const factor = UNIT_MS[unit];
  if (factor === undefined)
    throw new Error(`wrk output: unknown latency unit ${JSON.stringify(unit)}`);
  return Number(value) * factor;
}

/** Parses wrk's text report; throws naming the missing figure when the format is unexpected. */
export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p50 = /^\s*50%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output);
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output);
  const requests = /(\d+) requests in /.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  if (rps?.[1] === undefined) throw new Error('wrk output: no "Requests/sec" line');
  if (p50?.[1] === undefined || p50[2] === undefined) throw new Error('wrk output: no 50% line');
  if (p99?.[1] === undefined || p99[2] === undefined) throw new Error('wrk output: no 99% line');
  if (requests?.[1] === undefined) throw new Error('wrk output: no "N requests in" line');
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: toMs(p50[1], p50[2]),
    p99Ms: toMs(p99[1], p99[2]),
    non2xx: non2xx?.[1] === undefined ? 0 : Number(non2xx[1]),
    requests: Number(requests[1]),
  };
}

/** Reads a `VmRSS:`/`VmHWM:` figure (kB) from /proc/PID/status text, in MiB. */
export function procStatusMiB(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (match?.[1] === undefined) throw new Error(`/proc status: no ${field} line`);
  return Number(match[1]) / 1024;
}

/**
 * CPU time (user + system, all threads) in seconds from /proc/PID/stat text. The command name
 * (field 2) may contain spaces, so fields are counted after its closing parenthesis.
 */
export function procStatCpuSeconds(stat: string, ticksPerSecond = 100): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, utime field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error('/proc stat: no utime/stime fields');
  }
  return (utime + stime) / ticksPerSecond;
}
