// Stand-in for `terragrunt` and `terraform` in tests (the real binaries cannot run here: no cloud).
// Called as `node standin.mjs <terragrunt|terraform> ...args` by the `terragrunt`/`terraform` shims
// placed first on PATH. Every call is appended to $STANDIN_LOG as one JSON line
// {tool, cwd, args} when it starts and {tool, cwd, args, end: true, code} when it ends.
// Behaviour per unit comes from $STANDIN_SCENARIO (JSON), keyed by a suffix of the unit folder:
// { "versions": { "terraform": "1.9.8", "terragrunt": "0.83.2" },
//   "units": { "eu-central-1/vpc": {
//       "resources": [{ "address": "aws_vpc.this", "actions": ["create"] }],   // plan
//       "destroyResources": [...],                                             // plan -destroy
//       "fail": ["plan" | "show" | "apply" | "bootstrap" | "delete"],
//       "block": { "on": "plan", "until": "/abs/file" },   // wait (≤ 10 s) for the file to exist
//       "touch": { "on": "plan", "path": "/abs/file" } } } } // create the file when the call starts
// A plan file is JSON derived from the unit's terragrunt.hcl (its sha256) and the scenario, so a
// changed config gives a different plan file.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [tool, ...args] = process.argv.slice(2);
const cwd = process.cwd();
const log = (entry) => {
  if (process.env.STANDIN_LOG)
    appendFileSync(process.env.STANDIN_LOG, `${JSON.stringify({ tool, cwd, args, ...entry })}\n`);
};
const scenario = process.env.STANDIN_SCENARIO
  ? JSON.parse(readFileSync(process.env.STANDIN_SCENARIO, 'utf8'))
  : {};
const unitKey = Object.keys(scenario.units ?? {})
  .filter((k) => cwd === k || cwd.endsWith(`/${k}`))
  .sort((a, b) => b.length - a.length)[0];
const unit = unitKey === undefined ? {} : scenario.units[unitKey];

const finish = (code, out = '', err = '') => {
  if (out) process.stdout.write(out);
  if (err) process.stderr.write(err);
  log({ end: true, code });
  process.exitCode = code;
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function hooks(op) {
  if (unit.touch?.on === op) writeFileSync(unit.touch.path, 'x');
  if (unit.block?.on === op) {
    for (let waited = 0; !existsSync(unit.block.until); waited += 20) {
      if (waited > 10_000) return `stand-in: ${op} waited 10 s for ${unit.block.until}`;
      await sleep(20);
    }
  }
  if ((unit.fail ?? []).includes(op)) return `Error: stand-in ${op} failure for ${cwd}`;
  return undefined;
}

const defaultResources = (destroy) => [
  { address: `null_resource.${path.basename(cwd)}`, actions: [destroy ? 'delete' : 'create'] },
];

async function terragrunt() {
  if (args[0] === '--version')
    return finish(0, `terragrunt version v${scenario.versions?.terragrunt ?? '0.83.2'}\n`);
  const op = args[0] === 'backend' ? args[1] : args[0];
  const failure = await hooks(op);
  if (failure) return finish(1, '', `${failure}\n`);
  if (op === 'plan') {
    const out = args.find((a) => a.startsWith('-out='))?.slice(5);
    if (!out || !path.isAbsolute(out))
      return finish(1, '', 'stand-in: plan needs -out=<absolute>\n');
    const cfg = path.join(cwd, 'terragrunt.hcl');
    if (!existsSync(cfg)) return finish(1, '', `Error: no terragrunt.hcl in ${cwd}\n`);
    const destroy = args.includes('-destroy');
    const plan = {
      standin: 1,
      config: createHash('sha256').update(readFileSync(cfg)).digest('hex'),
      destroy,
      resources: (destroy ? unit.destroyResources : unit.resources) ?? defaultResources(destroy),
    };
    writeFileSync(out, JSON.stringify(plan));
    return finish(0, `Plan: stand-in for ${cwd}\n`);
  }
  if (op === 'show') {
    const file = args.find((a) => a.endsWith('.tfplan'));
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    const resource_changes = [
      { address: 'data.null_data_source.read', change: { actions: ['read'] } },
      { address: 'null_resource.unchanged', change: { actions: ['no-op'] } },
      ...plan.resources.map((r) => ({
        address: r.address,
        mode: 'managed',
        change: { actions: r.actions },
      })),
    ];
    return finish(0, JSON.stringify({ format_version: '1.2', resource_changes }));
  }
  if (op === 'apply') {
    const file = args.at(-1);
    if (!file || !existsSync(file))
      return finish(1, '', `Error: Failed to load plan file ${file}\n`);
    JSON.parse(readFileSync(file, 'utf8'));
    return finish(0, 'Apply complete!\n');
  }
  if (op === 'bootstrap' || op === 'delete') return finish(0, `backend ${op} done\n`);
  return finish(1, '', `stand-in: unsupported terragrunt ${args.join(' ')}\n`);
}

log({});
if (tool === 'terraform') {
  if (args[0] === 'version' && args[1] === '-json') {
    finish(
      0,
      JSON.stringify({
        terraform_version: scenario.versions?.terraform ?? '1.9.8',
        platform: 'linux_amd64',
        provider_selections: {},
        terraform_outdated: false,
      }),
    );
  } else finish(1, '', `stand-in: unsupported terraform ${args.join(' ')}\n`);
} else {
  await terragrunt();
}
