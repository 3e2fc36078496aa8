/**
 * Benchmark: `infra-ci drift` over a generated tree of 2,000 units with the stand-in terragrunt.
 * Run with `npm run bench:drift -w tools/infra-ci` (it builds first);
 * `-- --units N` changes the size, `-- --delay S` makes every stand-in plan sleep S seconds (a
 * plan's time in the cloud), `-- --concurrency N` the parallel variant (default 4).
 *
 * Shape: 2 environments × 5 regions × 200 units, each unit depending on the previous one of its
 * group of 10 (so 10 dependency waves of 200 units); 1 unit in 100 has drift.
 *
 * Measured in the same run, one after another: the floor — the same 2 stand-in calls per unit
 * (plan, show -json) made by one shell loop, serially, with no infra-ci — then `drift
 * --concurrency 1` and `drift --concurrency N`. Prints each wall time and its ratio to the floor.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { CLI_MAIN } from '../test/helpers/cli.js';
import { TempRepo } from '../test/helpers/repo.js';
import { Standin } from '../test/support/terragrunt-standin/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
};
const UNITS = arg('units', 2000);
const DELAY = arg('delay', 0);
const CONCURRENCY = arg('concurrency', 4);
const ENVS = ['prod', 'staging'];
const REGIONS = ['eu-central-1', 'eu-west-2', 'us-east-1', 'us-west-2', 'ap-south-1'];
const PER_REGION = Math.ceil(UNITS / (ENVS.length * REGIONS.length));
const E = 'infra/environments';

const repo = new TempRepo();
const { dir } = repo;
const standin = new Standin();
const write = (file: string, content: string): void => void repo.write({ [file]: content });
const pad = (i: number): string => String(i).padStart(3, '0');

function unitFile(i: number): string {
  const dep =
    i % 10 === 0 ? '' : `\ndependency "prev" {\n  config_path = "../unit-${pad(i - 1)}"\n}\n`;
  return `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n${dep}\ninputs = {\n  index = ${i}\n}\n`;
}

function timed(cmd: string, args: string[], env: Record<string, string>, okCodes = [0]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!okCodes.includes(r.status ?? -1)) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  }
  return ms;
}

try {
  write(`${E}/root.hcl`, 'locals {\n  x = 1\n}\n');
  const units: string[] = [];
  for (const env of ENVS) {
    for (const region of REGIONS) {
      for (let i = 0; i < PER_REGION && units.length < UNITS; i += 1) {
        const id = `${E}/${env}/${region}/unit-${pad(i)}`;
        write(`${id}/terragrunt.hcl`, unitFile(i));
        units.push(id);
      }
    }
  }
  const drifted = units.filter((_, k) => k % 100 === 7);
  standin.scenario({
    defaultResources: [],
    ...(DELAY > 0 ? { planDelaySeconds: DELAY } : {}),
    units: Object.fromEntries(
      drifted.map((u) => [
        u.slice(E.length + 1),
        { resources: [{ address: 'null_resource.x', actions: ['update'] }] },
      ]),
    ),
  });
  const env = { ...process.env, ...standin.env(), STANDIN_LOG: '' } as Record<string, string>;
  writeFileSync(path.join(dir, 'units.txt'), `${units.join('\n')}\n`);
  const plan = path.join(dir, 'floor.tfplan');
  const loop = `while IFS= read -r d; do (cd "$d" && terragrunt plan -input=false -lock=false -detailed-exitcode -out=${plan} --non-interactive >/dev/null; [ $? -le 2 ] && terragrunt show -json ${plan} --non-interactive >/dev/null) || exit 1; done < units.txt`;

  const floor = timed('sh', ['-c', loop], env);
  const drift = (c: number): number =>
    timed(
      process.execPath,
      [CLI_MAIN, 'drift', '--no-cache', '--concurrency', String(c), '--format', 'json'],
      env,
    );
  const serial = drift(1);
  const parallel = drift(CONCURRENCY);

  const row = (name: string, ms: number) =>
    `| ${name} | ${(ms / 1000).toFixed(1)} | ${(ms / floor).toFixed(2)} | ${((ms / units.length) * 1).toFixed(1)} |`;
  console.log(
    `infra-ci drift: ${units.length} units (10 waves), ${drifted.length} drifted, plan delay ${DELAY} s; ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}\n`,
  );
  console.log('| variant | wall s | × floor | ms per unit |');
  console.log('|---|---|---|---|');
  console.log(row('floor: shell loop, 2 stand-in calls per unit, serial', floor));
  console.log(row('`drift --concurrency 1`', serial));
  console.log(row(`\`drift --concurrency ${CONCURRENCY}\``, parallel));
  console.log(`\nconcurrency ${CONCURRENCY} vs 1: ${(serial / parallel).toFixed(2)}× faster`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  standin.cleanup();
}
