import { execFile } from 'node:child_process';
import { ReleaseError } from '../errors.js';
import { digestOfDescribeImages } from '../image/decide.js';

/** Reads ECR through the AWS CLI the workflow's credentials step configured (the publish role). */
export interface Ecr {
  /** The digest `tag` holds in `repository`, or undefined when there is no such tag. */
  tagDigest(repository: string, tag: string): Promise<string | undefined>;
}

export function awsCliEcr(region: string | undefined): Ecr {
  return {
    tagDigest: (repository, tag) =>
      new Promise((resolve, reject) => {
        const args = [
          'ecr',
          'describe-images',
          '--repository-name',
          repository,
          '--image-ids',
          `imageTag=${tag}`,
          '--output',
          'json',
        ];
        if (region !== undefined) args.push('--region', region);
        execFile(
          'aws',
          args,
          { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
          (err, stdout, stderr) => {
            if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') {
              reject(new ReleaseError('aws (the AWS CLI) is required but was not found on PATH'));
              return;
            }
            // No such tag: the CLI exits non-zero with ImageNotFoundException. Anything else
            // (credentials, a missing repository, throttling) is an error, never "not found".
            if (err !== null) {
              if (/ImageNotFoundException/.test(String(stderr))) resolve(undefined);
              else
                reject(
                  new ReleaseError(
                    `aws ecr describe-images ${repository}:${tag} failed: ${String(stderr).trim()}`,
                    1,
                  ),
                );
              return;
            }
            try {
              resolve(digestOfDescribeImages(JSON.parse(String(stdout)) as unknown, tag));
            } catch (e) {
              reject(
                new ReleaseError(
                  `aws ecr describe-images ${repository}:${tag}: ${(e as Error).message}`,
                  1,
                ),
              );
            }
          },
        );
      }),
  };
}
