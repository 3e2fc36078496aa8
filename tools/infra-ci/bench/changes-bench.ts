/**
 * Benchmark: `infra-ci changes` on a generated repository of 2,000 units against the bare
 * `git diff --name-status` floor. Run with `npm run bench -w tools/infra-ci` (after `npm run build`).
 *
 * Shape: 2 environments × 5 regions × 200 units; every unit includes root.hcl and one of 10
 * _common files, uses one of 10 local modules, and depends on the previous unit of its group.
 * Unit files are identical across regions (as in this repository's infra/ tree), distinct within
 * a region. The head commit changes 50 files (unit configs, module files, region.hcl, _common).
 *
 * Prints, measured in the same run: the bare `git diff --name-status` (git floor), an empty Node
 * process (node floor), `infra-ci --help` (CLI load floor) and `changes` without cache, with an
 * empty cache (cold), with a cache filled from the base commit (as a CI cache restored from main:
 * the PR's changed blobs miss) and with a full cache (warm). `--before <main.js>` also times
 * another build of the CLI (e.g. an older commit's `dist/cli/main.js`) on the same tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_MAIN } from '../test/helpers/cli.js';

const MAIN = CLI_MAIN;
const ENVS = ['prod', 'staging'];
const REGIONS = ['eu-central-1', 'eu-west-2', 'us-east-1', 'us-west-2', 'ap-south-1'];
const UNITS = 200;
const KINDS = 10;
const RUNS = 5;
const beforeAt = process.argv.indexOf('--before');
const BEFORE = beforeAt > 0 ? process.argv[beforeAt + 1] : undefined;
const E = 'infra/environments';

const dir = mkdtempSync(path.join(tmpdir(), 'infra-ci-bench-'));
const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
const write = (file: string, content: string): void => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
};

function unitFile(i: number): string {
  const kind = i % KINDS;
  const dep =
    i % 10 === 0
      ? ''
      : `\ndependency "prev" {\n  config_path = "../unit-${String(i - 1).padStart(3, '0')}"\n}\n`;
  return `include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "\${dirname(find_in_parent_folders("root.hcl"))}/_common/kind-${kind}.hcl"
  expose = true
}
${dep}
inputs = {
  index = ${i}
  name  = "unit-${i}-\${include.common.locals.kind}"
}
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function time(cmd: string, args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

try {
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'bench');
  write(
    `${E}/root.hcl`,
    'locals {\n  region = read_terragrunt_config(find_in_parent_folders("region.hcl")).locals.region\n}\n',
  );
  for (let k = 0; k < KINDS; k += 1) {
    write(
      `${E}/_common/kind-${k}.hcl`,
      `locals {\n  kind = "kind-${k}"\n}\n\nterraform {\n  source = "\${get_repo_root()}/infra/modules//kind-${k}"\n}\n`,
    );
    write(`infra/modules/kind-${k}/main.tf`, `resource "null_resource" "k${k}" {}\n`);
    write(`infra/modules/kind-${k}/variables.tf`, 'variable "index" {\n  type = number\n}\n');
  }
  for (const env of ENVS) {
    write(`${E}/${env}/environment.hcl`, `locals {\n  env = "${env}"\n}\n`);
    for (const region of REGIONS) {
      write(`${E}/${env}/${region}/region.hcl`, `locals {\n  region = "${region}"\n}\n`);
      for (let i = 0; i < UNITS; i += 1) {
        write(
          `${E}/${env}/${region}/unit-${String(i).padStart(3, '0')}/terragrunt.hcl`,
          unitFile(i),
        );
      }
    }
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const base = git('rev-parse', 'HEAD').trim();

  // 50 changed files: 40 unit configs, 5 module files, 3 region.hcl, 2 _common files.
  for (let n = 0; n < 40; n += 1) {
    const env = ENVS[n % 2] as string;
    const region = REGIONS[n % REGIONS.length] as string;
    const i = (n * 37) % UNITS;
    write(
      `${E}/${env}/${region}/unit-${String(i).padStart(3, '0')}/terragrunt.hcl`,
      `${unitFile(i)}# change ${n}\n`,
    );
  }
  for (let k = 0; k < 5; k += 1)
    write(`infra/modules/kind-${k}/outputs.tf`, `output "k" {\n  value = ${k}\n}\n`);
  for (let r = 0; r < 3; r += 1) {
    write(
      `${E}/prod/${REGIONS[r]}/region.hcl`,
      `locals {\n  region = "${REGIONS[r]}"\n  tier = ${r}\n}\n`,
    );
  }
  for (let k = 8; k < 10; k += 1) {
    write(
      `${E}/_common/kind-${k}.hcl`,
      `locals {\n  kind = "kind-${k}"\n  v = 2\n}\n\nterraform {\n  source = "\${get_repo_root()}/infra/modules//kind-${k}"\n}\n`,
    );
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'head');

  const diffArgs = ['diff', '--name-status', '-M', base, 'HEAD'];
  const files = git(...diffArgs)
    .trim()
    .split('\n').length;
  const cli = (...extra: string[]): string[] => [
    MAIN,
    'changes',
    '--base',
    base,
    '--head',
    'HEAD',
    '--root',
    E,
    ...extra,
  ];
  const answer = (args: string[]): string =>
    execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const caches = mkdtempSync(path.join(tmpdir(), 'infra-ci-bench-cache-'));
  let fresh = 0;
  const newCache = (): string => {
    fresh += 1;
    return path.join(caches, `c${fresh}`);
  };
  // Cache states: "warm" = filled by the same run (every blob a hit); "base-warm" = filled from
  // the base commit only (as a CI cache restored from main), so the PR's changed blobs miss.
  const warmDir = newCache();
  const out = answer(cli('--cache-dir', warmDir));
  const baseDir = newCache();
  answer([MAIN, 'changes', '--base', base, '--head', base, '--root', E, '--cache-dir', baseDir]);
  const same = (label: string, args: string[]): void => {
    if (answer(args) !== out) throw new Error(`${label}: output differs from the first run`);
  };
  same('no cache', cli('--no-cache'));
  if (BEFORE !== undefined) same('before', [BEFORE, ...cli().slice(1)]);
  same('warm cache', cli('--cache-dir', warmDir));
  const parsed = JSON.parse(out) as {
    changed: string[];
    dependents: string[];
    applyWaves: string[][];
  };

  const load = loadavg().map((l) => l.toFixed(2));
  // Each round times every variant once, in turn, so that a change of machine load during the
  // run affects all of them alike; each figure is the median over the rounds.
  type Variant = { label: string; run: () => number };
  const variants: Variant[] = [
    { label: 'git diff --name-status (git floor)', run: () => time('git', diffArgs) },
    { label: 'node -e 0 (node floor)', run: () => time(process.execPath, ['-e', '0']) },
    {
      label: 'infra-ci --help (CLI load floor)',
      run: () => time(process.execPath, [MAIN, '--help']),
    },
    ...(BEFORE === undefined
      ? []
      : [
          {
            label: `before: ${BEFORE}`.slice(0, 44),
            run: () => time(process.execPath, [BEFORE, ...cli().slice(1)]),
          },
        ]),
    { label: 'changes --no-cache', run: () => time(process.execPath, cli('--no-cache')) },
    {
      label: 'changes, cold (empty cache)',
      run: () => time(process.execPath, cli('--cache-dir', newCache())),
    },
    {
      label: 'changes, cache from base (50 changed miss)',
      run: () => {
        const d = newCache();
        cpSync(baseDir, d, { recursive: true });
        return time(process.execPath, cli('--cache-dir', d));
      },
    },
    {
      label: 'changes, warm (every blob cached)',
      run: () => time(process.execPath, cli('--cache-dir', warmDir)),
    },
  ];
  const samples = variants.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r += 1) {
    variants.forEach((v, i) => {
      samples[i]?.push(v.run());
    });
  }
  const figures = samples.map(median);
  const [floor = 1, nodeStart = 1, help = 1] = figures;
  rmSync(caches, { recursive: true, force: true });

  const row = (label: string, ms: number): string =>
    `${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / floor).toFixed(1).padStart(6)}x git  ${(ms / nodeStart).toFixed(2).padStart(5)}x node  ${(ms / help).toFixed(2).padStart(5)}x --help`;
  console.log(`units: ${ENVS.length * REGIONS.length * UNITS}, changed files: ${files}`);
  console.log(
    `result: ${parsed.changed.length} changed, ${parsed.dependents.length} dependents, ${parsed.applyWaves.length} apply waves (same answer with and without cache)`,
  );
  console.log(
    `load average before timing (1/5/15 min): ${load.join(' ')}; medians of ${RUNS} interleaved rounds`,
  );
  variants.forEach((v, i) => {
    console.log(row(v.label, figures[i] ?? 0));
  });
  console.log(
    `goal: <= 5x git floor (${(5 * floor).toFixed(1)} ms) and <= 2000 ms; a Node process alone is ${(nodeStart / floor).toFixed(1)}x the git floor`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
