/**
 * The first-run checklist and the preflight step (issue #20, "README: a first-run checklist ...
 * and a preflight step in each workflow that fails with that checklist's line when a variable is
 * missing"): the pure parts, the repository's wiring, and the CLI as the workflows run it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checklistLine, missingItems } from '../src/preflight/checklist.js';
import { jobIds, jobRefs } from '../src/preflight/refs.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'tools/actions-check/dist/cli/preflight.js');
const read = (f: string) => readFile(join(root, f), 'utf8');

const WORKFLOW = `on: push
env:
  A: \${{ vars.TOP }}
jobs:
  one:
    if: vars.GATE != ''
    runs-on: ubuntu-24.04
    steps:
      - uses: ./.github/actions/push-pin
        with:
          key: \${{ secrets.APP_KEY }}
          token: \${{ secrets.GITHUB_TOKEN }}
      - run: echo "\${{ vars.ROLE }} \${{ vars.ROLE }}"
  two:
    runs-on: ubuntu-24.04
    steps:
      - run: echo hi
`;
const CHECKLIST =
  '# x\n- [ ] `vars.ROLE`: the role ARN.\n- [ ] `secrets.APP_KEY`: the key.\nsome `vars.TOP` prose\n';

describe('preflight, pure', () => {
  it('finds the variables and secrets a job reads (workflow env, if, with, run), not GITHUB_TOKEN', () => {
    expect(jobRefs(WORKFLOW, 'one')).toEqual({
      vars: ['GATE', 'ROLE', 'TOP'],
      secrets: ['APP_KEY'],
    });
    expect(jobRefs(WORKFLOW, 'two')).toEqual({ vars: ['TOP'], secrets: [] });
    expect(() => jobRefs(WORKFLOW, 'three')).toThrow('no job "three"');
    expect(jobIds(WORKFLOW)).toEqual(['one', 'two']);
  });

  it('quotes the checklist line of each missing item, and says when there is none', () => {
    expect(checklistLine(CHECKLIST, 'vars.ROLE')).toBe('`vars.ROLE`: the role ARN.');
    expect(checklistLine(CHECKLIST, 'vars.TOP')).toBeUndefined(); // prose is not a checklist line
    const missing = missingItems(
      {
        vars: ['ROLE', 'TOP', 'SET'],
        secrets: ['APP_KEY'],
        varValues: { ROLE: ' ', SET: 'x' },
        secretSet: { APP_KEY: 'false' },
        repository: { actual: 'me/fork', configured: 'example-org/demo-app' },
      },
      CHECKLIST,
    );
    expect(missing).toEqual([
      { item: 'vars.ROLE', line: '`vars.ROLE`: the role ARN.' },
      { item: 'vars.TOP', line: 'vars.TOP has no line in docs/first-run.md (add one)' },
      { item: 'secrets.APP_KEY', line: '`secrets.APP_KEY`: the key.' },
      { item: 'repository', line: 'repository has no line in docs/first-run.md (add one)' },
    ]);
  });
});

interface Step {
  name?: string;
  id?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
}

describe("the repository's workflows and docs/first-run.md", async () => {
  const files = (await readdir(join(root, '.github/workflows')))
    .filter((f) => f.endsWith('.yml'))
    .sort();
  const checklist = await read('docs/first-run.md');
  const jobs = await Promise.all(
    files.flatMap(async (file) => {
      const source = await read(`.github/workflows/${file}`);
      const wf = parse(source) as { jobs: Record<string, Job> };
      return jobIds(source).map((id) => ({
        file,
        id,
        job: wf.jobs[id] as Job,
        refs: jobRefs(source, id),
      }));
    }),
  ).then((x) => x.flat());

  it('every variable and secret a workflow reads has its line in the checklist', () => {
    const items = [
      ...new Set(
        jobs.flatMap((j) => [
          ...j.refs.vars.map((v) => `vars.${v}`),
          ...j.refs.secrets.map((s) => `secrets.${s}`),
        ]),
      ),
    ];
    expect(items.length).toBeGreaterThan(8);
    expect(items.filter((i) => checklistLine(checklist, i) === undefined)).toEqual([]);
    expect(checklistLine(checklist, 'repository')).toBeDefined();
  });

  it('every job that reads one starts with the preflight, before any step that reads one', () => {
    const problems: string[] = [];
    for (const { file, id, job, refs } of jobs) {
      if (refs.vars.length + refs.secrets.length === 0) continue;
      const where = `${file}:${id}`;
      const steps = job.steps ?? [];
      const pre = steps.findIndex((s) => /preflight\.js /.test(s.run ?? ''));
      if (pre === -1) {
        problems.push(`${where}: no preflight step`);
        continue;
      }
      const step = steps[pre] as Step;
      const args = `--workflow ${file.replace(/\.yml$/, '')} --job ${id}`;
      if (!(step.run ?? '').includes(args))
        problems.push(`${where}: preflight must run with ${args}`);
      const aws = job.permissions?.['id-token'] === 'write';
      if (aws !== / --aws\b/.test(step.run ?? ''))
        problems.push(`${where}: --aws exactly when the job has id-token: write`);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      if (step.env?.VARS_JSON !== '${{ toJSON(vars) }}')
        problems.push(`${where}: preflight env VARS_JSON must be toJSON(vars)`);
      for (const s of refs.secrets) {
        if (step.env?.[`SECRET_SET_${s}`] !== `\${{ secrets.${s} != '' }}`)
          problems.push(`${where}: preflight env lacks SECRET_SET_${s}`);
      }
      const early = steps
        .slice(0, pre)
        .filter((s) => /\b(vars|secrets)\.[A-Z]/.test(JSON.stringify(s)))
        .map((s) => s.name ?? s.run ?? '');
      if (early.length > 0)
        problems.push(`${where}: reads a variable before the preflight: ${early.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('preflight CLI (as the workflows run it)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'preflight-'));
    for (const f of [
      '.github/workflows/app-merge.yml',
      'docs/first-run.md',
      'infra/environments/prod/environment.hcl',
      'infra/environments/prod/global/region.hcl',
    ]) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await cp(join(root, f), join(dir, f));
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const ALL = {
    APP_PUBLISH_ROLE_ARN: 'arn:aws:iam::111111111111:role/github-publish-demo-app',
    RELEASE_READ_ROLE_ARN: 'arn:aws:iam::111111111111:role/github-release-read',
    GA_PRIMARY_ENDPOINT_GROUP_ARN: 'arn:x',
    GA_STANDBY_ENDPOINT_GROUP_ARN: 'arn:y',
    PIN_APP_CLIENT_ID: 'Iv1.abc',
  };

  async function preflight(vars: object, extra: Record<string, string> = {}) {
    const output = join(dir, 'output');
    await writeFile(output, '');
    const env = {
      PATH: process.env.PATH,
      VARS_JSON: JSON.stringify(vars),
      SECRET_SET_PIN_APP_PRIVATE_KEY: 'true',
      GITHUB_REPOSITORY: 'example-org/demo-app',
      GITHUB_OUTPUT: output,
      ...extra,
    };
    const args = [cli, '--workflow', 'app-merge', '--job', 'publish', '--aws', '--repo', dir];
    const r = await exec(process.execPath, args, { env, timeout: 20_000 })
      .then((x) => ({ code: 0, stdout: x.stdout, stderr: x.stderr }))
      .catch((e: { code: number; stdout: string; stderr: string }) => e);
    return { ...r, output: await readFile(output, 'utf8') };
  }

  it('passes when everything is set, and outputs the regions and names from infra/environments', async () => {
    const r = await preflight(ALL);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.output).toContain(
      'primary_region=eu-central-1\nstandby_region=eu-west-2\nglobal_region=us-west-2\n',
    );
    expect(r.output).toContain('ecr_repository=demo-app\n');
  });

  it("fails with the checklist's line for a missing variable and a missing secret", async () => {
    const { PIN_APP_CLIENT_ID: _, ...rest } = ALL;
    const r = await preflight(rest, { SECRET_SET_PIN_APP_PRIVATE_KEY: 'false' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error title=First-run checklist (docs/first-run.md)::vars.PIN_APP_CLIENT_ID: `vars.PIN_APP_CLIENT_ID`: the Client ID',
    );
    expect(r.stdout).toContain('secrets.PIN_APP_PRIVATE_KEY: `secrets.PIN_APP_PRIVATE_KEY`');
    expect(r.stderr).toContain('2 setting(s) missing');
  });

  it('fails for a fork that did not set its repository in environment.hcl (the OIDC trust names it)', async () => {
    const r = await preflight(ALL, { GITHUB_REPOSITORY: 'someone/demo-app' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error title=First-run checklist (docs/first-run.md)::repository: `repository`: set `repository`',
    );
  });

  it('prints its version', async () => {
    const r = await exec(process.execPath, [cli, '--version'], { timeout: 20_000 });
    expect(r.stdout.trim()).toBe(
      JSON.parse(await read('tools/actions-check/package.json')).version,
    );
  });

  it('refuses bad usage with exit 2', async () => {
    const r = await exec(process.execPath, [cli, '--workflow', 'app-merge'], {
      timeout: 20_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(r).toMatchObject({ code: 2 });
  });
});
