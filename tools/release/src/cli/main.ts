#!/usr/bin/env node
import { readFile, rename, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ReleaseError } from '../errors.js';
import { setImageDigest } from '../set-image-digest.js';

const program = new Command('set-image-digest')
  .description(
    'Pin an image by digest in a kustomization.yaml (used by the app-merge workflow after the image push).',
  )
  .requiredOption('--file <path>', 'kustomization.yaml to rewrite')
  .requiredOption('--digest <sha256:...>', 'the pushed image digest')
  .option('--image <name>', 'images[].name entry to update', 'demo-app')
  .action(async (opts: { file: string; digest: string; image: string }) => {
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
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ReleaseError) {
    process.stderr.write(`set-image-digest: ${error.message}\n`);
    process.exit(error.code);
  }
  throw error;
});
