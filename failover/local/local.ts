/** `npm run local`: the two-region environment until Ctrl-C. */
import { startLocalEnv } from './local-env.js';

const env = await startLocalEnv((line) => process.stdout.write(`${line}\n`));
const cliEnv = Object.entries(env.cliEnv)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
process.stdout.write(
  [
    `local: GA stand-in ${env.ga.proxyUrl} (API ${env.ga.apiUrl}); primary ${env.primary.url}; standby ${env.standby.url}`,
    `local: Kubernetes API stand-in ${env.kubeUrl}; the controller probes the primary via ${env.flaky.url}`,
    `local: try  curl -s -H 'accept: application/json' ${env.ga.proxyUrl}/   and the CLI:`,
    `local:   env ${cliEnv} node dist/main.js status|failover --reason TEXT|failback`,
    '',
  ].join('\n'),
);
process.once('SIGINT', () => {
  env.stop().then(() => process.exit(0));
});
