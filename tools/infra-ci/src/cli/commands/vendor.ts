import type { Command } from 'commander';
import { CliError } from '../../errors.js';
import { openTree } from '../../index.js';
import { loadTree } from '../../validate/run.js';
import { DEFAULT_GIT_URL, pinsOfTree, VENDOR_DIR } from '../../validate/upstream.js';
import { vendorModules } from '../../validate/vendor.js';
import type { Io } from '../io.js';
import { rootOption } from '../options.js';

export function register(program: Command, io: Io): void {
  program
    .command('vendor-modules')
    .description(
      `copy variables.tf, outputs.tf and versions.tf of every pinned registry module into <root>/${VENDOR_DIR} (needs the network; run when a pin changes)`,
    )
    .option('--root <dir>', 'infra folder (default: infra in the repository)')
    .option(
      '--git-url <template>',
      'git URL of a module, {namespace} {name} {provider} replaced',
      DEFAULT_GIT_URL,
    )
    .action(async (o: { root?: string; gitUrl: string }) => {
      const { tree, root } = await openTree({
        repoRoot: io.env.cwd,
        root: rootOption(io.env.cwd, o.root, 'infra'),
      });
      const prefix = root === '' ? '' : `${root}/`;
      const inRoot = [...tree.files].filter((f) => f.startsWith(prefix)).sort();
      const { parsed, parseErrors, units, unitErrors } = await loadTree(tree, root, inRoot);
      const errors = [...parseErrors, ...unitErrors];
      if (errors.length > 0) {
        const first = errors[0] as (typeof errors)[number];
        throw new CliError(
          'input',
          `${first.file}:${first.line}: ${first.message} (fix it, or run validate)`,
        );
      }
      const pins = pinsOfTree(units, parsed.values());
      const r = await vendorModules({
        repoRoot: tree.repoRoot,
        root,
        pins,
        present: inRoot,
        gitUrl: o.gitUrl,
        env: io.env.childEnv,
      });
      for (const d of r.written) io.stdout(`vendored ${d}\n`);
      for (const d of r.removed) io.stdout(`removed ${d} (no longer pinned)\n`);
    });
}
