import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ReleaseError } from '../src/errors.js';
import { setImageDigest } from '../src/set-image-digest.js';

const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;
const KUSTOMIZATION = `# production overlay
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base/demo-app
images:
  - name: other
    newName: example/other
    digest: sha256:${'c'.repeat(64)}
  # The app-merge workflow rewrites this digest after each push.
  - name: demo-app
    newName: \${ECR_REGISTRY}/demo-app
    digest: ${OLD}   # keep me
`;

const run = (digest: string, source = KUSTOMIZATION, image = 'demo-app') =>
  setImageDigest({ source, fileName: 'k.yaml', image, digest });

describe('setImageDigest', () => {
  it('changes exactly the one digest line and keeps comments', () => {
    const result = run(NEW);
    expect(result.changed).toBe(true);
    expect(result.previousDigest).toBe(OLD);
    const before = KUSTOMIZATION.split('\n');
    const after = result.text.split('\n');
    const changedLines = after.filter((line, i) => line !== before[i]);
    expect(changedLines).toEqual([`    digest: ${NEW}   # keep me`]);
  });

  it('is a no-op when the digest is already pinned', () => {
    expect(run(OLD)).toEqual({ text: KUSTOMIZATION, previousDigest: OLD, changed: false });
  });

  it.each([
    ['sha256:abc', /64 lowercase hex/],
    [`sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    ['latest', /--digest/],
  ])('rejects the malformed digest %s', (digest, message) => {
    expect(() => run(digest)).toThrow(message);
  });

  it('names the missing image entry', () => {
    expect(() => run(NEW, KUSTOMIZATION, 'nope')).toThrow(/no images\[\] entry with name "nope"/);
  });

  it('refuses a tag-pinned entry', () => {
    const tagged = 'images:\n  - name: demo-app\n    newTag: v1\n';
    expect(() => run(NEW, tagged)).toThrow(/pinned by digest only/);
  });

  it('refuses a file without images', () => {
    expect(() => run(NEW, 'resources: []\n')).toThrow(ReleaseError);
  });
});

describe('set-image-digest CLI', () => {
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const exec = promisify(execFile);

  it('rewrites the file in place and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'release-'));
    const file = join(dir, 'kustomization.yaml');
    await writeFile(file, KUSTOMIZATION);
    const { stdout } = await exec(process.execPath, [main, '--file', file, '--digest', NEW]);
    expect(stdout).toContain(`${OLD} -> ${NEW}`);
    expect(await readFile(file, 'utf8')).toBe(KUSTOMIZATION.replace(OLD, NEW));
  });

  it('exits 2 on a bad digest and leaves the file untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'release-'));
    const file = join(dir, 'kustomization.yaml');
    await writeFile(file, KUSTOMIZATION);
    const failure = await exec(process.execPath, [main, '--file', file, '--digest', 'x']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/--digest: expected/);
    expect(await readFile(file, 'utf8')).toBe(KUSTOMIZATION);
  });
});

describe('set-image-digest --region', () => {
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const exec = promisify(execFile);
  const PIN = (digest: string, annotations = '') =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-pin\n  namespace: flux-system\n${annotations}data:\n  DEMO_APP_DIGEST: ${digest}\n  DEMO_APP_PINNED_AT: "2026-12-01T00:00:00Z"\n`;

  async function repoWith(pin: string) {
    const dir = await mkdtemp(join(tmpdir(), 'release-'));
    await mkdir(join(dir, 'deploy/clusters/eu-west-2'), { recursive: true });
    await writeFile(join(dir, 'deploy/clusters/eu-west-2/release-pin.yaml'), pin);
    return dir;
  }

  it("writes one region's pin and remembers the standby's earlier digest", async () => {
    const dir = await repoWith(PIN(OLD));
    const { stdout } = await exec(process.execPath, [
      main,
      '--region',
      'eu-west-2',
      '--digest',
      NEW,
      '--repo',
      dir,
    ]);
    expect(stdout).toContain(`${OLD} -> ${NEW}`);
    const text = await readFile(join(dir, 'deploy/clusters/eu-west-2/release-pin.yaml'), 'utf8');
    expect(text).toContain(`DEMO_APP_DIGEST: ${NEW}`);
    expect(text).toContain(`release.demo-app.dev/earlier-digests: ${OLD}`);
  });

  it('refuses a held region and an unknown region', async () => {
    const held = PIN(OLD, '  annotations:\n    release.demo-app.dev/hold: game day\n');
    const dir = await repoWith(held);
    const fail = (args: string[]) =>
      exec(process.execPath, [main, ...args, '--digest', NEW, '--repo', dir]).catch(
        (e: { code: number; stderr: string }) => e,
      );
    expect(await fail(['--region', 'eu-west-2'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/eu-west-2 is held \(game day\)/),
    });
    expect(await fail(['--region', 'us-east-1'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--region: expected one of eu-west-2, eu-central-1/),
    });
    expect(await readFile(join(dir, 'deploy/clusters/eu-west-2/release-pin.yaml'), 'utf8')).toBe(
      held,
    );
  });
});
