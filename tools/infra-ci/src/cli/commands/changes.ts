import type { Command } from 'commander';
import { dirtyWarning, uncommittedUnder } from '../../changes/dirty.js';
import { CliError, errorMessage } from '../../errors.js';
import { detectChanges } from '../../index.js';
import { changesGithubLog, changesGithubOutput, changesJson, changesText } from '../format.js';
import type { Io } from '../io.js';
import { addCacheOptions, cacheDirOption, choice, rootOption } from '../options.js';

const FORMATS = ['json', 'github', 'text'] as const;

interface ChangesOptions {
  base: string;
  head: string;
  root?: string;
  format: string;
  cache: boolean;
  cacheDir?: string;
}

export function register(program: Command, io: Io): void {
  const command = program
    .command('changes')
    .description('units changed, destroyed, moved and their dependents between two git refs')
    .requiredOption('--base <ref>', 'base git ref (diff from the merge base with head)')
    .option('--head <ref>', 'head git ref', 'HEAD')
    .option(
      '--root <dir>',
      'folder holding the units (default: infra/environments in the repository)',
    )
    .option('--format <format>', `output: ${FORMATS.join('|')}`, 'json');
  addCacheOptions(command).action(async (o: ChangesOptions) => {
    const format = choice('format', o.format, FORMATS);
    if (format === 'github' && io.env.githubOutput === undefined) {
      throw new CliError('input', '--format github needs $GITHUB_OUTPUT to be set');
    }
    const root = rootOption(io.env.cwd, o.root, 'infra/environments');
    const result = await detectChanges({
      repoRoot: io.env.cwd,
      base: o.base,
      head: o.head,
      root,
      cacheDir: cacheDirOption(io.env.cwd, o, io.env.cacheDir),
    });
    // A warning only: a repository without a work tree (bare) cannot have uncommitted changes.
    const warning = await uncommittedUnder(io.env.cwd, root).then(
      (d) => dirtyWarning(d.paths, d.rel),
      (e: unknown) =>
        `infra-ci changes: warning: could not check for uncommitted changes (${errorMessage(e)})\n`,
    );
    if (warning !== undefined) io.stderr(warning);
    if (format === 'json') io.stdout(changesJson(result));
    else if (format === 'text') io.stdout(changesText(result));
    else {
      await io.appendFile(io.env.githubOutput as string, changesGithubOutput(result));
      io.stdout(changesGithubLog(result));
    }
  });
}
