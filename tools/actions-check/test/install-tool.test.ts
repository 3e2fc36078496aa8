/**
 * `.ci/install-tool` in a sandbox: the script, a checksum file and a stand-in `curl` that
 * "downloads" a local archive. It installs what matches the pinned sha256 and refuses the rest.
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
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('.ci/install-tool', () => {
  // A sandbox with the script, a checksum file and a fake curl that "downloads" a local zip.
  const dir = mkdtempSync(join(tmpdir(), 'install-tool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function sandbox(name: string, checksum: (realSha: string) => string) {
    const repo = join(dir, name);
    mkdirSync(join(repo, '.ci'), { recursive: true });
    mkdirSync(join(repo, 'infra'), { recursive: true });
    mkdirSync(join(repo, 'fakebin'), { recursive: true });
    copyFileSync(join(root, '.ci/install-tool'), join(repo, '.ci/install-tool'));
    writeFileSync(join(repo, 'infra/.terraform-version'), '9.9.9\n');
    // The archive: a shell script named terraform that prints a version.
    const payload = join(repo, 'payload');
    mkdirSync(payload);
    writeFileSync(join(payload, 'terraform'), '#!/bin/sh\necho "Terraform v9.9.9"\n');
    chmodSync(join(payload, 'terraform'), 0o755);
    const zip = join(repo, 'archive.zip');
    execFileSync('zip', ['-q', '-j', zip, join(payload, 'terraform')]);
    const sha = execFileSync('sha256sum', [zip], { encoding: 'utf8' }).split(' ')[0] as string;
    writeFileSync(
      join(repo, '.ci/tool-checksums.txt'),
      `${checksum(sha)}  terraform_9.9.9_linux_amd64.zip\n`,
    );
    // curl -fsSL --retry 3 -o <out> <url>: copy the local archive to <out>, log the URL.
    writeFileSync(
      join(repo, 'fakebin/curl'),
      `#!/bin/sh\nwhile [ "$1" != "-o" ]; do shift; done\ncp "${zip}" "$2"\necho "$3" >> "${repo}/urls"\n`,
    );
    chmodSync(join(repo, 'fakebin/curl'), 0o755);
    const run = () =>
      spawnSync('bash', ['.ci/install-tool', 'terraform', join(repo, 'out')], {
        cwd: repo,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${join(repo, 'fakebin')}:${process.env.PATH}`,
          GITHUB_PATH: join(repo, 'gh-path'),
        },
      });
    return { repo, run };
  }

  it('installs the archive whose sha256 is the pinned one, from the version file, and adds it to PATH', () => {
    const { repo, run } = sandbox('ok', (sha) => sha);
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Terraform v9.9.9');
    expect(readFileSync(join(repo, 'urls'), 'utf8').trim()).toBe(
      'https://releases.hashicorp.com/terraform/9.9.9/terraform_9.9.9_linux_amd64.zip',
    );
    expect(readFileSync(join(repo, 'gh-path'), 'utf8').trim()).toBe(join(repo, 'out'));
  });

  it('refuses an archive whose sha256 differs, installing nothing', () => {
    const { repo, run } = sandbox('bad', () => '0'.repeat(64));
    const r = run();
    expect(r.status).not.toBe(0);
    expect(existsSync(join(repo, 'out/terraform'))).toBe(false);
  });

  it('refuses a version without a pinned sha256', () => {
    const { repo, run } = sandbox('none', (sha) => sha);
    writeFileSync(join(repo, 'infra/.terraform-version'), '9.9.8\n');
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no sha256 for terraform_9.9.8_linux_amd64.zip');
  });
});
