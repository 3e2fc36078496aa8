/**
 * `npm run local`: the two-region environment until Ctrl-C, with demo-speed failback waits
 * (local-settings.ts; FAILBACK_HEALTHY_MS / FAILBACK_COOLDOWN_MS override them, LOG_LEVEL=debug
 * shows every round). Prints the edge URL and commands to paste (local-banner.ts) and writes the
 * CLI's settings to failover/.local/cli-env.json, which `failover --local` reads; removed on exit.
 * `kill -9 <primary pid>` to watch the failover; `kill -USR2 <this pid>` restarts the primary.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localEnvFile, readLocalSettings } from '../src/env.js';
import { defaultPolicy } from '../src/policy.js';
import { banner } from './local-banner.js';
import { defaultLease, demoPolicy, startLocalEnv } from './local-env.js';

const print = (line: string) => process.stdout.write(`${line}\n`);
const settings = readLocalSettings();
const policy = {
  ...demoPolicy,
  ...(settings.failbackHealthyMs === undefined
    ? {}
    : { failbackHealthyMs: settings.failbackHealthyMs }),
  ...(settings.failbackCooldownMs === undefined
    ? {}
    : { failbackCooldownMs: settings.failbackCooldownMs }),
};
print(
  `local: starting (failback waits ${policy.failbackHealthyMs / 1000} s / ${policy.failbackCooldownMs / 1000} s)…`,
);
const env = await startLocalEnv(print, policy, defaultLease, settings.logLevel);
const file = localEnvFile();
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify({ pid: process.pid, env: env.cliEnv }, null, 2)}\n`);
const facts = {
  edgeUrl: env.ga.proxyUrl,
  gaApiUrl: env.ga.apiUrl,
  primary: { url: env.primary.url, pid: env.primary.pid },
  standbyUrl: env.standby.url,
  kubeUrl: env.kubeUrl,
  pid: process.pid,
  policy,
  probesPerRound: env.probesPerRound,
  cliEnvFile: relative(fileURLToPath(new URL('../..', import.meta.url)), file),
};
for (const line of banner(facts, defaultPolicy)) print(line);

process.on('SIGUSR2', () => {
  env.restartPrimary().then(
    () => print(`local: primary restarted (pid ${env.primary.pid})`),
    (error: unknown) => print(`local: primary restart failed: ${String(error)}`),
  );
});
/** Removes the CLI's file unless another `npm run local` has written its own since. */
const forget = () => {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid !== process.pid) return;
  } catch {
    return;
  }
  rmSync(file, { force: true });
};
// Ctrl-C or a kill: stop both app processes and the stand-ins, so no port stays taken.
const shutdown = () => {
  forget();
  env.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
process.once('exit', forget);
