import { defaultPolicy, type Policy } from '../src/policy.js';
import { startLocalEnv } from './local-env.js';

export interface DrillFigures {
  detectS: number | null;
  trafficS: number;
  scaledS: number | null;
  failedRequests: number;
  totalRequests: number;
  falseFailovers: number;
  failedOver: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Healthy baseline under load, then SIGKILL of the primary; waits (bounded) for failed-over and a
 * short tail. Times are seconds from the kill.
 */
export async function runDrill(opts: {
  baselineMs: number;
  policy?: Policy;
}): Promise<DrillFigures> {
  const env = await startLocalEnv(() => {}, opts.policy ?? defaultPolicy);
  const results: { at: number; ok: boolean; region: string }[] = [];
  let loading = true;
  const client = async () => {
    while (loading) {
      const at = Date.now();
      try {
        const res = await fetch(`${env.ga.proxyUrl}/`, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(2000),
        });
        const body = (await res.json().catch(() => ({}))) as { aws_region?: string };
        results.push({ at, ok: res.status === 200, region: body.aws_region ?? '' });
      } catch {
        results.push({ at, ok: false, region: '' });
      }
      await sleep(50);
    }
  };
  const clients = [client(), client(), client(), client()];
  try {
    await sleep(opts.baselineMs);
    const falseFailovers = env.transitions.length;
    const killedAt = Date.now();
    await env.primary.stop('SIGKILL');
    const deadline = killedAt + 60_000;
    while (Date.now() < deadline && !env.transitions.some((t) => t.to === 'failed-over')) {
      await sleep(100);
    }
    await sleep(1000);
    loading = false;
    await Promise.all(clients);
    const detectAt = env.transitions.find((t) => t.to === 'failing-over')?.at;
    const after = results.filter((r) => r.at >= killedAt);
    const lastBad = after.filter((r) => !r.ok || r.region !== 'eu-west-2').at(-1)?.at ?? killedAt;
    return {
      detectS: detectAt ? (detectAt - killedAt) / 1000 : null,
      trafficS: (lastBad - killedAt) / 1000,
      scaledS: env.kube.readyAt ? (env.kube.readyAt - killedAt) / 1000 : null,
      failedRequests: results.filter((r) => !r.ok).length,
      totalRequests: results.length,
      falseFailovers,
      failedOver: env.transitions.some((t) => t.to === 'failed-over'),
    };
  } finally {
    loading = false;
    await Promise.all(clients);
    await env.stop();
  }
}

export function formatDrill(f: DrillFigures): string {
  const s = (v: number | null) => (v === null ? 'NaN' : v.toFixed(1));
  return `drill: detect=${s(f.detectS)}s traffic=${s(f.trafficS)}s scaled=${s(f.scaledS)}s failed_requests=${f.failedRequests} total_requests=${f.totalRequests} false_failovers=${f.falseFailovers}`;
}
