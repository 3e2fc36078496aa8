/**
 * `npm run drill`: healthy baseline, then the primary process is killed while clients keep calling
 * the GA stand-in. Prints detection, traffic and scale-up times, and failed/total requests.
 */
import { startLocalEnv } from './local-env.js';

const env = await startLocalEnv(() => {});
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
    await new Promise((r) => setTimeout(r, 50));
  }
};
const clients = [client(), client(), client(), client()];
await new Promise((r) => setTimeout(r, 8000));
const falseFailovers = env.transitions.length;
const killedAt = Date.now();
await env.primary.stop('SIGKILL');
const deadline = killedAt + 60_000;
while (Date.now() < deadline && !env.transitions.some((t) => t.to === 'failed-over')) {
  await new Promise((r) => setTimeout(r, 250));
}
await new Promise((r) => setTimeout(r, 3000));
loading = false;
await Promise.all(clients);
await env.stop();

const secs = (ms: number | null | undefined) => (ms == null ? 'NaN' : (ms / 1000).toFixed(1));
const detectAt = env.transitions.find((t) => t.to === 'failing-over')?.at;
const after = results.filter((r) => r.at >= killedAt);
const lastBad = after.filter((r) => !r.ok || r.region !== 'eu-west-2').at(-1)?.at ?? killedAt;
process.stdout.write(
  `drill: detect=${secs(detectAt ? detectAt - killedAt : null)}s traffic=${secs(lastBad - killedAt)}s scaled=${secs(env.kube.readyAt ? env.kube.readyAt - killedAt : null)}s failed_requests=${results.filter((r) => !r.ok).length} total_requests=${results.length} false_failovers=${falseFailovers}\n`,
);
