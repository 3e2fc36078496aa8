import type { Command } from 'commander';
import { CliError } from '../../errors.js';
import { openTree } from '../../index.js';
import { validateTree } from '../../validate/run.js';
import { terraformFmtCheck } from '../../validate/terraform.js';
import type { Io } from '../io.js';
import { rootOption } from '../options.js';

export function register(program: Command, io: Io): void {
  program
    .command('validate')
    .description(
      'offline checks of the infra tree: fmt, parse, paths, acyclic, inputs, version pins',
    )
    .option('--root <dir>', 'infra folder (default: infra in the repository)')
    .option(
      '--require-lock-files',
      'also require a committed .terraform.lock.hcl in every unit that runs a module',
    )
    .action(async (o: { root?: string; requireLockFiles?: boolean }) => {
      const { tree, root } = await openTree({
        repoRoot: io.env.cwd,
        root: rootOption(io.env.cwd, o.root, 'infra'),
      });
      const findings = await validateTree(
        tree,
        root,
        { fmtCheck: terraformFmtCheck },
        { requireLockFiles: o.requireLockFiles === true },
      );
      for (const f of findings) io.stdout(`${f.file}:${f.line}: ${f.message}\n`);
      if (findings.length > 0) {
        throw new CliError('validation', `${findings.length} problem(s) in ${root}`);
      }
      io.stdout(`infra-ci validate: ${root} OK\n`);
    });
}
