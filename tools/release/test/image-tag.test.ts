/**
 * Idempotent publishing: the pure decisions, and `release image-tag` run as the workflow runs it,
 * against a stand-in `aws` on PATH that answers like `aws ecr describe-images` (a tag it knows, or
 * ImageNotFoundException with exit 254, or another error).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterPush, beforeBuild, digestOfDescribeImages } from '../src/image/decide.js';

const exec = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli/release.js', import.meta.url));
const SHA = 'c'.repeat(40);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

describe('image decisions', () => {
  it('builds when the tag is absent, reuses the digest an earlier attempt pushed', () => {
    expect(beforeBuild(SHA, undefined)).toEqual({ kind: 'build' });
    expect(beforeBuild(SHA, D1)).toMatchObject({ kind: 'reuse', digest: D1 });
  });

  it('after a push the tag must hold exactly the pushed digest', () => {
    expect(afterPush(SHA, D1, D1)).toEqual({ ok: true });
    const other = afterPush(SHA, D1, D2);
    expect(other.ok).toBe(false);
    expect(!other.ok && other.reason).toContain(`holds ${D2}, not ${D1}`);
    expect(afterPush(SHA, D1, undefined).ok).toBe(false);
    expect(afterPush(SHA, 'latest', D1).ok).toBe(false);
  });

  it('reads the digest of describe-images output, refusing a malformed one', () => {
    const json = { imageDetails: [{ imageTags: [SHA, 'x'], imageDigest: D1 }] };
    expect(digestOfDescribeImages(json, SHA)).toBe(D1);
    expect(digestOfDescribeImages({ imageDetails: [] }, SHA)).toBeUndefined();
    expect(() => digestOfDescribeImages({}, SHA)).toThrow('no imageDetails');
    expect(() => digestOfDescribeImages({ imageDetails: [{ imageTags: [SHA] }] }, SHA)).toThrow(
      'no sha256',
    );
  });
});

describe('release image-tag (stand-in aws)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'image-tag-'));
    // aws ecr describe-images --repository-name R --image-ids imageTag=T --output json [--region X]
    await writeFile(
      join(dir, 'aws'),
      `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(join(dir, 'calls'))}, args.join(' ') + '\\n');
const state = JSON.parse(fs.readFileSync(process.env.FAKE_ECR, 'utf8'));
if (state.error) { process.stderr.write(state.error); process.exit(255); }
const tag = args[args.indexOf('--image-ids') + 1].replace('imageTag=', '');
const digest = state.tags[tag];
if (!digest) { process.stderr.write('An error occurred (ImageNotFoundException) when calling the DescribeImages operation'); process.exit(254); }
process.stdout.write(JSON.stringify({ imageDetails: [{ imageTags: [tag], imageDigest: digest }] }));
`,
    );
    await chmod(join(dir, 'aws'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function run(state: object, ...extra: string[]) {
    const stateFile = join(dir, 'state.json');
    const output = join(dir, 'output');
    await writeFile(stateFile, JSON.stringify(state));
    await writeFile(output, '');
    const env = { PATH: `${dir}:${process.env.PATH}`, FAKE_ECR: stateFile, GITHUB_OUTPUT: output };
    const args = [
      cli,
      'image-tag',
      '--repository',
      'demo-app',
      '--tag',
      SHA,
      '--region',
      'eu-central-1',
      ...extra,
    ];
    const r = await exec(process.execPath, args, { env, timeout: 20_000 })
      .then((x) => ({ code: 0, stdout: x.stdout, stderr: x.stderr }))
      .catch((e: { code: number; stdout: string; stderr: string }) => e);
    return { ...r, output: await readFile(output, 'utf8') };
  }

  it('no tag yet: build', async () => {
    const r = await run({ tags: {} });
    expect(r.code).toBe(0);
    expect(r.output).toBe('reuse=false\ndigest=\n');
    expect(await readFile(join(dir, 'calls'), 'utf8')).toContain(
      `ecr describe-images --repository-name demo-app --image-ids imageTag=${SHA} --output json --region eu-central-1`,
    );
  });

  it('a re-run finds its earlier push: reuse that digest', async () => {
    const r = await run({ tags: { [SHA]: D1 } });
    expect(r.code).toBe(0);
    expect(r.output).toBe(`reuse=true\ndigest=${D1}\n`);
  });

  it('after the push: success only when the tag holds the pushed digest', async () => {
    expect((await run({ tags: { [SHA]: D1 } }, '--expect-digest', D1)).code).toBe(0);
    const other = await run({ tags: { [SHA]: D2 } }, '--expect-digest', D1);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`tag ${SHA} holds ${D2}, not ${D1}`);
  });

  it('an AWS error is an error, never "no tag" (which would rebuild and fail the immutable push)', async () => {
    const r = await run({ error: 'An error occurred (AccessDeniedException)' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('AccessDeniedException');
  });

  it('refuses a malformed tag or repository', async () => {
    const r = await run({ tags: {} }, '--tag', 'a b');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tag');
  });
});
