/**
 * `npm run local`: the two-region environment until Ctrl-C. `kill -9 <primary pid>` to watch the
 * failover; `kill -USR2 <this pid>` restarts the primary on its port (then `failback` via the CLI).
 */
import { startLocalEnv } from './local-env.js';

const env = await startLocalEnv((line) => process.stdout.write(`${line}\n`));
const cliEnv = Object.entries(env.cliEnv)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
process.stdout.write(
  [
    `local: GA stand-in ${env.ga.proxyUrl} (API ${env.ga.apiUrl}); primary ${env.primary.url} (pid ${env.primary.pid}); standby ${env.standby.url}`,
    `local: Kubernetes API stand-in ${env.kubeUrl}; the controller probes the primary via ${env.flaky.url}`,
    `local: curl -s -H 'accept: application/json' ${env.ga.proxyUrl}/   shows which region answered`,
    `local: kill -9 ${env.primary.pid} stops the primary; kill -USR2 ${process.pid} starts it again; the CLI:`,
    `local:   env ${cliEnv} node dist/main.js status|failover --reason TEXT|failback`,
    '',
  ].join('\n'),
);
process.on('SIGUSR2', () => {
  env.restartPrimary().then(
    () => process.stdout.write(`local: primary restarted (pid ${env.primary.pid})\n`),
    (error: unknown) => process.stdout.write(`local: primary restart failed: ${String(error)}\n`),
  );
});
// Ctrl-C or a kill: stop both app processes and the stand-ins, so no port stays taken.
const shutdown = () => {
  env.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
