/**
 * `release push-pin` against real git: a bare repository as origin, the CI checkout as a clone,
 * and a second clone that moves main at the worst moment — from the checkout's pre-push hook,
 * i.e. after the CLI fetched and built its commit and before the push lands (issue #20: "the digest
 * commit races"). Run through the built CLI, as the workflows run it.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli/release.js', import.meta.url));
const PIN = 'deploy/clusters/eu-west-2/release-pin.yaml';
const OTHER_PIN = 'deploy/clusters/eu-central-1/release-pin.yaml';

let dir: string;
const origin = () => join(dir, 'origin.git');
const work = () => join(dir, 'work');
const other = () => join(dir, 'other');

const git = async (cwd: string, ...args: string[]) =>
  (
    await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd })
  ).stdout.trim();

async function commitIn(cwd: string, file: string, text: string, message: string) {
  await writeFile(join(cwd, file), text);
  await git(cwd, 'add', file);
  await git(cwd, 'commit', '-q', '-m', message);
}

/** Another workflow moves main: a commit of `file` in the other clone, pushed. */
async function pushFromOther(file: string, text: string, message: string) {
  await commitIn(other(), file, text, message);
  await git(other(), 'push', '-q', 'origin', 'main');
}

/** A pre-push hook in the checkout: the first `times` pushes, another clone pushes to main first. */
async function raceOnPush(times: number, file = 'app/README.md') {
  const hook = join(work(), '.git/hooks/pre-push');
  await writeFile(
    hook,
    [
      '#!/bin/sh',
      'unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE',
      `n=$(cat "${dir}/races" 2>/dev/null || echo 0)`,
      `[ "$n" -ge ${times} ] && exit 0`,
      `echo $((n + 1)) > "${dir}/races"`,
      `cd "${other()}" && git pull -q --ff-only origin main`,
      `echo "race $n" >> "${file}" && git add "${file}"`,
      'git -c user.name=o -c user.email=o@example.com commit -q -m "moved main" && git push -q origin HEAD:main',
      'exit 0',
      '',
    ].join('\n'),
  );
  await chmod(hook, 0o755);
}

async function pushPin(...extra: string[]) {
  const args = [
    cli,
    'push-pin',
    '--path',
    PIN,
    '--message',
    'deploy: pin',
    '--body',
    'built from x',
    '--backoff-ms',
    '0',
    '--repo',
    work(),
    ...extra,
  ];
  const env = { PATH: process.env.PATH, HOME: dir };
  return exec(process.execPath, args, { env, timeout: 30_000 })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => e);
}

const mainLog = async () => (await git(origin(), 'log', '--format=%s', 'main')).split('\n');
const mainFile = (file: string) => git(origin(), 'show', `main:${file}`);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'push-pin-'));
  await exec('git', ['init', '-q', '--bare', '-b', 'main', origin()]);
  const seed = join(dir, 'seed');
  await exec('git', ['init', '-q', '-b', 'main', seed]);
  await exec('mkdir', [
    '-p',
    join(seed, 'deploy/clusters/eu-west-2'),
    join(seed, 'deploy/clusters/eu-central-1'),
    join(seed, 'app'),
  ]);
  await writeFile(join(seed, PIN), 'digest: sha256:old\n');
  await writeFile(join(seed, OTHER_PIN), 'digest: sha256:old\n');
  await writeFile(join(seed, 'app/README.md'), 'app\n');
  await git(seed, 'add', '.');
  await git(seed, 'commit', '-q', '-m', 'seed');
  await git(seed, 'push', '-q', origin(), 'main');
  await exec('git', ['clone', '-q', origin(), work()]);
  await exec('git', ['clone', '-q', origin(), other()]);
  // The job's pin tool has written the file in the checkout.
  await writeFile(join(work(), PIN), 'digest: sha256:new\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('release push-pin', () => {
  it('pushes the one-file commit when main did not move', async () => {
    const r = await pushPin();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'pushed', attempts: 1 });
    expect(await mainLog()).toEqual(['deploy: pin', 'seed']);
    expect(await mainFile(PIN)).toBe('digest: sha256:new');
  });

  it('replays onto main when main moved before the job pushed (the other workflow pinned first)', async () => {
    await pushFromOther(OTHER_PIN, 'digest: sha256:primary\n', 'other pin');
    const r = await pushPin();
    expect(r.code).toBe(0);
    expect(await mainLog()).toEqual(['deploy: pin', 'other pin', 'seed']);
    expect(await mainFile(OTHER_PIN)).toBe('digest: sha256:primary');
    expect(await mainFile(PIN)).toBe('digest: sha256:new');
  });

  it("works from a shallow checkout (actions/checkout's default depth 1) while main moved", async () => {
    await pushFromOther('app/README.md', 'app\nmore\n', 'merge');
    // The job's checkout: one commit deep, at the commit that started the run (before "merge").
    const seedSha = await git(origin(), 'rev-parse', 'main~1');
    await rm(work(), { recursive: true, force: true });
    await exec('git', ['init', '-q', work()]);
    await git(work(), 'remote', 'add', 'origin', `file://${origin()}`);
    await git(work(), 'fetch', '-q', '--depth', '1', 'origin', seedSha);
    await git(work(), 'checkout', '-q', '--detach', 'FETCH_HEAD');
    expect(await git(work(), 'rev-parse', '--is-shallow-repository')).toBe('true');
    await writeFile(join(work(), PIN), 'digest: sha256:new\n');
    const r = await pushPin();
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'pushed', attempts: 1 });
    expect(await mainLog()).toEqual(['deploy: pin', 'merge', 'seed']);
  });

  it('retries when main moves between the fetch and the push, and keeps the other commit', async () => {
    await raceOnPush(2);
    const r = await pushPin('--attempts', '5');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'pushed', attempts: 3 });
    expect(await mainLog()).toEqual(['deploy: pin', 'moved main', 'moved main', 'seed']);
    expect(await mainFile('app/README.md')).toBe('app\nrace 0\nrace 1');
    const sha = JSON.parse(r.stdout).sha as string;
    expect(await git(origin(), 'rev-parse', 'main')).toBe(sha);
    // The pin commit changes exactly one file.
    expect(await git(origin(), 'diff', '--name-only', 'main~1', 'main')).toBe(PIN);
  });

  it('gives up after --attempts when main keeps moving, pushing nothing of its own', async () => {
    await raceOnPush(99);
    const r = await pushPin('--attempts', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('gave up after 3 attempts');
    expect(await mainLog()).not.toContain('deploy: pin');
    expect(await mainFile(PIN)).toBe('digest: sha256:old');
  });

  it('stops, without merging, when main changed the same file (e.g. a hold)', async () => {
    await pushFromOther(PIN, 'digest: sha256:old\nhold: incident\n', 'hold eu-west-2');
    const r = await pushPin();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`main changed ${PIN}`);
    expect(await mainFile(PIN)).toBe('digest: sha256:old\nhold: incident');
  });

  it('is done when main already holds the same file (a re-run after a push that landed)', async () => {
    await pushFromOther(PIN, 'digest: sha256:new\n', 'same pin');
    const r = await pushPin();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'already', attempts: 1 });
    expect(await mainLog()).toEqual(['same pin', 'seed']);
  });

  it('stops at once when the remote refuses for another reason (branch protection)', async () => {
    const hook = join(origin(), 'hooks/pre-receive');
    await writeFile(
      hook,
      '#!/bin/sh\necho "error: GH006: Protected branch update failed for refs/heads/main." >&2\nexit 1\n',
    );
    await chmod(hook, 0o755);
    const r = await pushPin('--attempts', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('main did not move');
    expect(r.stderr).toContain('GH006');
    expect(await mainLog()).toEqual(['seed']);
  });

  it('unchanged file: success, or exit 1 with --require-change; another staged file is refused', async () => {
    await git(work(), 'checkout', '--', PIN);
    expect(JSON.parse((await pushPin()).stdout)).toEqual({ kind: 'unchanged' });
    const strict = await pushPin('--require-change');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('did not change');
    await writeFile(join(work(), PIN), 'digest: sha256:new\n');
    await writeFile(join(work(), 'app/README.md'), 'changed\n');
    await git(work(), 'add', 'app/README.md');
    const mixed = await pushPin();
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('also staged: app/README.md');
    expect(await readFile(join(work(), PIN), 'utf8')).toBe('digest: sha256:new\n');
  });
});
