#!/usr/bin/env node
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ReleaseError } from '../errors.js';
import { readRegionPin, writeRegionPin } from '../run/pins.js';
import { setImageDigest } from '../set-image-digest.js';
import { REGIONS, STANDBY_REGION } from '../train/regions.js';
import { packageVersion } from './version.js';

async function pinFile(opts: { file: string; digest: string; image: string }): Promise<void> {
  let source: string;
  try {
    source = await readFile(opts.file, 'utf8');
  } catch {
    throw new ReleaseError(`--file: cannot read "${opts.file}"`);
  }
  const result = setImageDigest({
    source,
    fileName: opts.file,
    image: opts.image,
    digest: opts.digest,
  });
  if (result.changed) {
    // Write-then-rename: the file is either the old or the new version, never half-written.
    const tmp = `${opts.file}.tmp-${process.pid}`;
    await writeFile(tmp, result.text);
    await rename(tmp, opts.file);
  }
  process.stdout.write(
    `${opts.file}: ${opts.image} ${result.changed ? `${result.previousDigest} -> ${opts.digest}` : `already at ${opts.digest}`}\n`,
  );
}

async function pinRegion(opts: { region: string; digest: string; repo: string }): Promise<void> {
  const current = await readRegionPin(opts.repo, opts.region);
  if (current.hold !== undefined && current.digest !== opts.digest) {
    throw new ReleaseError(
      `--region: ${opts.region} is held (${current.hold}); run "release unhold --region ${opts.region}" first`,
      1,
    );
  }
  const r = await writeRegionPin(opts.repo, opts.region, {
    digest: opts.digest,
    // The standby remembers what it ran, so deploy-check can tell "behind" from "ahead".
    rememberEarlier: opts.region === STANDBY_REGION,
  });
  process.stdout.write(
    `${r.path}: ${r.changed ? `${r.before.digest} -> ${r.after.digest}` : `already at ${opts.digest}`}\n`,
  );
}

const program = new Command('set-image-digest')
  .version(packageVersion())
  .description(
    `Pin an image by digest: one region's release pin (--region: ${REGIONS.join(', ')}) or an images: entry of a kustomization.yaml (--file).`,
  )
  .requiredOption('--digest <sha256:...>', 'the pushed image digest')
  .option('--region <region>', 'write deploy/clusters/<region>/release-pin.yaml')
  .option('--repo <dir>', 'repository root (with --region)', '.')
  .option('--file <path>', 'kustomization.yaml to rewrite (instead of --region)')
  .option('--image <name>', 'images[].name entry to update (with --file)', 'demo-app')
  .action(
    async (opts: {
      file?: string;
      region?: string;
      repo: string;
      digest: string;
      image: string;
    }) => {
      if ((opts.file === undefined) === (opts.region === undefined)) {
        throw new ReleaseError('expected exactly one of --region <region> or --file <path>');
      }
      if (opts.file !== undefined) {
        await pinFile({ file: opts.file, digest: opts.digest, image: opts.image });
        return;
      }
      const region = opts.region ?? '';
      await pinRegion({ region, digest: opts.digest, repo: opts.repo });
    },
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ReleaseError) {
    process.stderr.write(`set-image-digest: ${error.message}\n`);
    process.exit(error.code);
  }
  throw error;
});
