/**
 * Benchmark: `infra-ci changes` for a one-file edit on a generated tree shaped like a large live
 * monorepo. Run with `npm run bench -w tools/infra-ci` (builds first).
 *
 * Shape (gruntwork's terragrunt-infrastructure-live-example, scaled): 4 environments × 5 regions
 * × 200 units = 4,000 units. Every unit includes root.hcl (which reads account.hcl, region.hcl
 * and env.hcl found above it) and one of 20 `_envcommon/<kind>.hcl` files (exposed; each names a
 * local module and a dependency); 9 in 10 units also depend on the previous unit of their group;
 * each of the 20 local modules calls a shared local module. The head commit edits one unit file.
 *
 * Goals (issue #12): ≤ 3 s without cache, ≤ 1 s with a warm cache, ≤ 300 MB resident memory.
 * Prints medians of interleaved rounds (each round runs every variant once, so a change of load
 * affects all alike), the load average, and, as a same-run baseline, `node -e 0` and
 * `infra-ci --help`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_MAIN } from '../test/helpers/cli.js';
import { GRUNTWORK_ROOT as ROOT, TempRepo } from '../test/helpers/repo.js';

const ENVS = ['prod', 'stage', 'dev', 'qa'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1'];
const UNITS = 200;
const KINDS = 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const L = 'live';
const GOALS = { noCache: 3000, warm: 1000, rssMb: 300 };

const repo = new TempRepo();
const { dir } = repo;
const git = (...args: string[]): string => repo.git(...args);
const write = (file: string, content: string): void => void repo.write({ [file]: content });
const pad = (i: number): string => String(i).padStart(3, '0');

function envcommon(k: number): string {
  const dep =
    k === 0
      ? ''
      : `\ndependency "base" {\n  config_path = "../unit-${pad(0)}"\n  mock_outputs = { id = "mock" }\n}\n`;
  return `locals {
  env_vars = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  env      = local.env_vars.locals.environment
  kind     = "kind-${k}"
}

terraform {
  source = "\${get_repo_root()}/modules//kind-${k}"
}
${dep}
inputs = {
  name = format("%s-%s", local.kind, local.env)
}
`;
}

function unitFile(i: number): string {
  const dep =
    i % 10 === 0 ? '' : `\ndependency "prev" {\n  config_path = "../unit-${pad(i - 1)}"\n}\n`;
  return `include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path   = "\${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/kind-${i % KINDS}.hcl"
  expose = true
}
${dep}
inputs = {
  index = ${i}
  label = "unit-${i}-\${include.envcommon.locals.kind}"
}
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Peak resident memory of the child, printed by a preloaded exit hook. */
const RSS_HOOK = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("\\nmaxrss_kb="+u.maxRSS+" cpu_us="+(u.userCPUTime+u.systemCPUTime)+"\\n")})`;

function time(cmd: string, args: string[]): { ms: number; rssMb: number; cpuMs: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const kb = /maxrss_kb=(\d+)/.exec(r.stderr)?.[1];
  const cpu = /cpu_us=(\d+)/.exec(r.stderr)?.[1];
  return { ms, rssMb: kb === undefined ? 0 : Number(kb) / 1024, cpuMs: Number(cpu ?? 0) / 1000 };
}

try {
  write(`${L}/root.hcl`, ROOT);
  write('modules/shared/main.tf', 'variable "name" {}\noutput "name" { value = var.name }\n');
  for (let k = 0; k < KINDS; k += 1) {
    write(`${L}/_envcommon/kind-${k}.hcl`, envcommon(k));
    write(
      `modules/kind-${k}/main.tf`,
      `module "shared" {\n  source = "../shared"\n  name   = var.name\n}\nresource "null_resource" "k${k}" {}\n`,
    );
    write(`modules/kind-${k}/variables.tf`, 'variable "name" {}\nvariable "index" {}\n');
  }
  for (const env of ENVS) {
    write(`${L}/${env}/account.hcl`, `locals {\n  account_name = "${env}"\n}\n`);
    for (const region of REGIONS) {
      write(`${L}/${env}/${region}/region.hcl`, `locals {\n  aws_region = "${region}"\n}\n`);
      write(`${L}/${env}/${region}/env.hcl`, `locals {\n  environment = "${env}"\n}\n`);
      for (let i = 0; i < UNITS; i += 1) {
        write(`${L}/${env}/${region}/unit-${pad(i)}/terragrunt.hcl`, unitFile(i));
      }
    }
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const base = git('rev-parse', 'HEAD').trim();
  // The one-file edit: one unit's terragrunt.hcl.
  const edited = `${L}/prod/eu-west-1/unit-${pad(57)}/terragrunt.hcl`;
  write(edited, `${unitFile(57)}# edited\n`);
  git('commit', '-q', '-am', 'one-file edit');

  const cli = (...extra: string[]): string[] => [
    CLI_MAIN,
    'changes',
    '--base',
    base,
    '--head',
    'HEAD',
    '--root',
    L,
    ...extra,
  ];
  const withHook = (args: string[]): string[] => ['--import', RSS_HOOK, ...args];
  const answer = (args: string[]): string =>
    execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const caches = mkdtempSync(path.join(tmpdir(), 'infra-ci-bench-cache-'));
  const warmDir = path.join(caches, 'warm');
  const out = answer(cli('--cache-dir', warmDir));
  if (answer(cli('--no-cache')) !== out) throw new Error('no cache: output differs from cached');
  const parsed = JSON.parse(out) as { changed: string[]; dependents: string[] };
  if (parsed.changed.join() !== path.posix.dirname(edited)) {
    throw new Error(`unexpected answer: changed ${JSON.stringify(parsed.changed)}`);
  }

  const load = loadavg().map((l) => l.toFixed(2));
  type Variant = { label: string; args: string[]; goal?: number };
  const variants: Variant[] = [
    { label: 'node -e 0 (node floor)', args: ['-e', '0'] },
    { label: 'infra-ci --help (CLI load floor)', args: [CLI_MAIN, '--help'] },
    { label: 'changes --no-cache', args: cli('--no-cache'), goal: GOALS.noCache },
    { label: 'changes, warm cache', args: cli('--cache-dir', warmDir), goal: GOALS.warm },
  ];
  const samples = variants.map(() => ({
    ms: [] as number[],
    rss: [] as number[],
    cpu: [] as number[],
  }));
  for (let r = 0; r < RUNS; r += 1) {
    variants.forEach((v, i) => {
      const t = time(process.execPath, withHook(v.args));
      samples[i]?.ms.push(t.ms);
      samples[i]?.rss.push(t.rssMb);
      samples[i]?.cpu.push(t.cpuMs);
    });
  }
  rmSync(caches, { recursive: true, force: true });

  console.log(
    `units: ${ENVS.length * REGIONS.length * UNITS} (${KINDS} _envcommon kinds, local modules, dependencies); edit: ${edited}`,
  );
  console.log(
    `answer: ${parsed.changed.length} changed, ${parsed.dependents.length} dependents (same with and without cache)`,
  );
  console.log(
    `machine: ${cpus().length} cores, load average (1/5/15 min) ${load.join(' ')}; medians of ${RUNS} interleaved rounds`,
  );
  let ok = true;
  variants.forEach((v, i) => {
    const ms = median(samples[i]?.ms ?? []);
    const rss = Math.max(...(samples[i]?.rss ?? [0]));
    const cpu = median(samples[i]?.cpu ?? []);
    const verdict =
      v.goal === undefined
        ? ''
        : `  goal ≤ ${v.goal} ms: ${ms <= v.goal ? 'met' : 'MISSED'}; memory ≤ ${GOALS.rssMb} MB: ${rss <= GOALS.rssMb ? 'met' : 'MISSED'}`;
    if (v.goal !== undefined && (ms > v.goal || rss > GOALS.rssMb)) ok = false;
    console.log(
      `${v.label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms wall  ${cpu.toFixed(0).padStart(6)} ms CPU (node)  peak RSS ${rss.toFixed(0).padStart(4)} MB${verdict}`,
    );
  });
  console.log(
    ok
      ? 'all goals met (wall-clock medians)'
      : 'some goal MISSED in wall-clock time (see above; compare the CPU column when the load average exceeds the cores)',
  );
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
