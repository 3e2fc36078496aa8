/**
 * What `npm run local` prints once everything is up (pure): where the edge is, the settings that
 * differ from production, and commands to paste from the repository root.
 */
import type { Policy } from '../src/policy.js';

export interface BannerFacts {
  edgeUrl: string;
  gaApiUrl: string;
  primary: { url: string; pid: number };
  standbyUrl: string;
  kubeUrl: string;
  /** The `npm run local` process (SIGUSR2 restarts the primary). */
  pid: number;
  policy: Policy;
  probesPerRound: number;
  /** Where the CLI's `--local` reads this environment from. */
  cliEnvFile: string;
}

const seconds = (ms: number) =>
  ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
const minutes = (ms: number) => (ms >= 60_000 ? `${ms / 60_000} min` : seconds(ms));

/** The start-up text: `local:` lines to read, then indented commands to paste. */
export function banner(f: BannerFacts, production: Policy): string[] {
  const p = f.policy;
  const cmd = (command: string, what: string) => `  ${command.padEnd(62)} # ${what}`;
  const cli = 'npm run failover:local --';
  const waits = `failback waits: primary healthy ${minutes(p.failbackHealthyMs)}, then cool-down ${minutes(p.failbackCooldownMs)}`;
  const prod = `production: ${minutes(production.failbackHealthyMs)} / ${minutes(production.failbackCooldownMs)}`;
  const same =
    p.failbackHealthyMs === production.failbackHealthyMs &&
    p.failbackCooldownMs === production.failbackCooldownMs;
  const shorter =
    p.failbackHealthyMs <= production.failbackHealthyMs &&
    p.failbackCooldownMs <= production.failbackCooldownMs;
  const demo = same
    ? '(the production values)'
    : `(${shorter ? 'demo speed; ' : ''}${prod}; FAILBACK_HEALTHY_MS / FAILBACK_COOLDOWN_MS set them)`;
  return [
    'local: ready: two regions behind a Global Accelerator stand-in, two controller replicas',
    `local: edge     ${f.edgeUrl}/   (open it in a browser: it says which region answered)`,
    `local: primary  eu-central-1 ${f.primary.url} (pid ${f.primary.pid}); standby eu-west-2 ${f.standbyUrl}`,
    `local: stand-ins: GA API ${f.gaApiUrl}, Kubernetes API ${f.kubeUrl}; CLI settings in ${f.cliEnvFile}`,
    `local: detection: ${p.failedRounds} failed rounds of ${f.probesPerRound} probes, ${seconds(p.intervalMs)} apart`,
    `local: ${waits} ${demo}`,
    'local: logs: one line per decision; LOG_LEVEL=debug npm run local also shows every healthy round',
    'local: Ctrl-C stops everything. From the repository root, in another terminal:',
    '',
    cmd(`curl -s -H 'accept: application/json' ${f.edgeUrl}/`, 'which region answers'),
    cmd(`${cli} status`, "the controller's mode and step"),
    cmd(`kill -9 ${f.primary.pid}`, 'stop the primary: watch the failover'),
    cmd(`kill -USR2 ${f.pid}`, 'start the primary again'),
    cmd(`${cli} --dry-run failback`, 'the failback pre-checks; changes nothing'),
    cmd(
      `${cli} failback`,
      `refused (exit 3) until the primary is healthy ${minutes(p.failbackHealthyMs)}`,
    ),
    cmd(`${cli} failover --reason "trying it"`, 'a manual failover'),
    '',
  ];
}
