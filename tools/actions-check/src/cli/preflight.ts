#!/usr/bin/env node
/**
 * `preflight`: the first step of every workflow job that reads variables or secrets. Fails (exit 1)
 * with the first-run checklist's line for each variable or secret the job reads that is not set,
 * and — for jobs that assume an AWS role — when the repository is not the one environment.hcl's OIDC
 * trust names. Writes the platform's regions and repository names (from infra/environments) to the
 * step's outputs. Bad usage exits 2.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingItems } from '../preflight/checklist.js';
import { platformOf } from '../preflight/platform.js';
import { jobRefs } from '../preflight/refs.js';
import { readEnv } from './env.js';

const USAGE = `usage: preflight --workflow <name> --job <id> [--repo <dir>] [--aws] | --version

Checks the variables and secrets job <id> of .github/workflows/<name>.yml reads, against
  VARS_JSON            toJSON(vars), as the job sees them
  SECRET_SET_<NAME>    "true" when secrets.<NAME> is set (secrets.<NAME> != '')
  --aws                the job assumes an AWS role: GITHUB_REPOSITORY must equal environment.hcl's repository
and prints docs/first-run.md's line for each one missing. Writes primary_region, standby_region,
global_region, repository, ecr_repository and failover_ecr_repository to GITHUB_OUTPUT.`;

function fail(code: 1 | 2, message: string): never {
  process.stderr.write(`preflight: ${message}\n`);
  process.exit(code);
}

function args(argv: string[]): { workflow: string; job: string; repo: string; aws: boolean } {
  const out = { workflow: '', job: '', repo: '.', aws: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a === '--version' || a === '-V') {
      const pkg = new URL('../../package.json', import.meta.url);
      process.stdout.write(
        `${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}\n`,
      );
      process.exit(0);
    } else if (a === '--aws') out.aws = true;
    else if (a === '--workflow' || a === '--job' || a === '--repo') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) fail(2, `${a}: expected a value`);
      out[a.slice(2) as 'workflow' | 'job' | 'repo'] = v;
    } else fail(2, `unknown argument "${a}"\n${USAGE}`);
  }
  if (!/^[\w.-]+$/.test(out.workflow))
    fail(2, '--workflow: expected a workflow file name, e.g. app-merge');
  if (out.job === '') fail(2, '--job: expected the job id');
  return out;
}

const env = readEnv();
const opts = args([...env.argv]);
const read = (f: string): string => {
  try {
    return readFileSync(join(opts.repo, f), 'utf8');
  } catch {
    return fail(2, `cannot read ${f} under --repo "${opts.repo}"`);
  }
};
const file = `.github/workflows/${opts.workflow.replace(/\.ya?ml$/, '')}.yml`;
let refs: ReturnType<typeof jobRefs>;
try {
  refs = jobRefs(read(file), opts.job);
} catch (e) {
  fail(2, `${file}: ${(e as Error).message}`);
}
const platform = platformOf(
  read('infra/environments/prod/environment.hcl'),
  read('infra/environments/prod/global/region.hcl'),
);
let varValues: Record<string, unknown> = {};
try {
  varValues = JSON.parse(env.varsJson ?? '{}') as Record<string, unknown>;
} catch {
  fail(2, 'VARS_JSON: expected toJSON(vars)');
}
const secretSet = Object.fromEntries(refs.secrets.map((s) => [s, env.secretSet[s]]));
const missing = missingItems(
  {
    ...refs,
    varValues,
    secretSet,
    ...(opts.aws
      ? {
          repository: {
            actual: env.repository ?? '',
            configured: platform.repository,
          },
        }
      : {}),
  },
  read('docs/first-run.md'),
);
for (const m of missing) {
  // A workflow command: GitHub shows it on the run's summary page.
  process.stdout.write(
    `::error title=First-run checklist (docs/first-run.md)::${m.item}: ${m.line}\n`,
  );
}
const out = env.outputFile;
if (out !== undefined) {
  appendFileSync(
    out,
    `${Object.entries(platform)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
}
if (missing.length > 0) {
  fail(
    1,
    `${file} job ${opts.job}: ${missing.length} setting(s) missing: ${missing.map((m) => m.item).join(', ')} (docs/first-run.md)`,
  );
}
process.stdout.write(
  `preflight: ${file} job ${opts.job}: ${refs.vars.length} variable(s), ${refs.secrets.length} secret(s) set\n`,
);
