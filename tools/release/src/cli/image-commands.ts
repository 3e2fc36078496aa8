import { appendFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ReleaseError } from '../errors.js';
import { afterPush, beforeBuild } from '../image/decide.js';
import { awsCliEcr } from '../io/ecr.js';
import type { ReleaseEnv } from './env.js';

interface ImageOptions {
  repository: string;
  tag: string;
  region?: string;
  expectDigest?: string;
}

const NAME = /^[a-z0-9][a-z0-9._/-]{0,255}$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** `image-tag`: publish-image/action.yml asks before building and checks after pushing. */
export function addImageCommands(cmd: Command, env: ReleaseEnv): void {
  cmd
    .command('image-tag')
    .description(
      'Without --expect-digest: print the digest an existing tag holds (reuse=true) or that it must be built. With it: fail unless the tag holds exactly that digest',
    )
    .requiredOption('--repository <name>', 'ECR repository name')
    .requiredOption('--tag <tag>', 'image tag (the commit SHA)')
    .option('--region <region>', 'AWS region of the repository')
    .option('--expect-digest <sha256:...>', 'the digest this run pushed')
    .action(async (o: ImageOptions) => {
      if (!NAME.test(o.repository))
        throw new ReleaseError(
          `--repository: expected an ECR repository name, got "${o.repository}"`,
        );
      if (!TAG.test(o.tag)) throw new ReleaseError(`--tag: expected an image tag, got "${o.tag}"`);
      const existing = await awsCliEcr(o.region).tagDigest(o.repository, o.tag);
      if (o.expectDigest !== undefined) {
        const check = afterPush(o.tag, o.expectDigest, existing);
        if (!check.ok) throw new ReleaseError(check.reason, 1);
        process.stdout.write(`${JSON.stringify({ kind: 'pushed', digest: o.expectDigest })}\n`);
        return;
      }
      const next = beforeBuild(o.tag, existing);
      process.stdout.write(`${JSON.stringify(next)}\n`);
      if (env.outputFile !== undefined) {
        const digest = next.kind === 'reuse' ? next.digest : '';
        await appendFile(env.outputFile, `reuse=${next.kind === 'reuse'}\ndigest=${digest}\n`);
      }
    });
}
