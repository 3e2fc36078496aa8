import { Agent, request } from 'node:http';

/** One answer: status, body and how long it took (ms); status 0 when it failed or timed out. */
export interface Timed {
  status: number;
  body: string;
  ms: number;
}

/** `method url` on `agent` (a fresh connection without one), bounded by `timeoutMs`. */
export function timedRequest(
  url: string,
  options: {
    method?: string;
    agent?: Agent;
    timeoutMs?: number;
    headers?: Record<string, string>;
  } = {},
): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, body: string) =>
      resolve({ status, body, ms: performance.now() - started });
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        headers: options.headers,
        timeout: options.timeoutMs ?? 2000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        res.on('error', () => done(0, ''));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(0, ''));
    req.end();
  });
}

/**
 * Sends `total` requests to `url` over `concurrency` keep-alive connections; resolves with the
 * count per status (0: failed or timed out). Every request is bounded by `timeoutMs`, the whole
 * run by `deadlineMs` (no new request is sent after it).
 */
export async function hammer(
  url: string,
  total: number,
  concurrency: number,
  timeoutMs = 2000,
  deadlineMs = 30_000,
): Promise<Map<number, number>> {
  const deadline = performance.now() + deadlineMs;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const counts = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < total && performance.now() < deadline) {
      next++;
      const { status } = await timedRequest(url, { agent, timeoutMs });
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return counts;
}

/** The value at quantile `q` (0–1) of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
