/** `npm run local`: the two-region environment until Ctrl-C. */
import { startLocalEnv } from './local-env.js';

const env = await startLocalEnv((line) => process.stdout.write(`${line}\n`));
process.stdout.write(
  `local: GA stand-in ${env.ga.proxyUrl} (API ${env.ga.apiUrl}); primary ${env.primary.url}; standby ${env.standby.url}\n`,
);
process.once('SIGINT', () => {
  env.stop().then(() => process.exit(0));
});
