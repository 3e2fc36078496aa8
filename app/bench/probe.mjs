// Paced /healthz prober for the bench: one GET every PROBE_EVERY_MS on one keep-alive connection
// for PROBE_FOR_MS. Latency counts from the time each probe was due, not when it could be sent
// (a stalled server makes the waiting probes late too: no coordinated omission). A probe with no
// answer within PROBE_TIMEOUT_MS counts as that timeout. Prints one JSON line: {latenciesMs, failed}.
import { Agent, request } from 'node:http';

const url = process.env.PROBE_URL;
const everyMs = Number(process.env.PROBE_EVERY_MS ?? 10);
const forMs = Number(process.env.PROBE_FOR_MS ?? 5000);
const timeoutMs = Number(process.env.PROBE_TIMEOUT_MS ?? 2000);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const latenciesMs = [];
let failed = 0;

const probe = () =>
  new Promise((resolve) => {
    const req = request(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });

const start = performance.now();
for (let i = 0; ; i++) {
  const due = start + i * everyMs;
  if (due - start >= forMs) break;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const ok = await probe();
  if (!ok) failed++;
  latenciesMs.push(ok ? performance.now() - due : timeoutMs);
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ latenciesMs, failed })}\n`);
