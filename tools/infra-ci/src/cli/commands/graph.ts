import type { Command } from 'commander';
import { loadUnitGraph } from '../../index.js';
import { graphDot, graphJson, graphMermaid } from '../format.js';
import type { Io } from '../io.js';
import { addCacheOptions, cacheDirOption, choice, rootOption } from '../options.js';

const FORMATS = ['json', 'mermaid', 'dot'] as const;

export function register(program: Command, io: Io): void {
  const command = program
    .command('graph')
    .description('the unit dependency graph of the working tree (or of --ref)')
    .option(
      '--root <dir>',
      'folder holding the units (default: infra/environments in the repository)',
    )
    .option('--ref <ref>', 'read the tree at this git ref instead of the working tree')
    .option('--format <format>', `output: ${FORMATS.join('|')}`, 'json');
  addCacheOptions(command).action(
    async (o: {
      root?: string;
      ref?: string;
      format: string;
      cache: boolean;
      cacheDir?: string;
    }) => {
      const format = choice('format', o.format, FORMATS);
      const graph = await loadUnitGraph({
        repoRoot: io.env.cwd,
        root: rootOption(io.env.cwd, o.root, 'infra/environments'),
        cacheDir: cacheDirOption(io.env.cwd, o, io.env.cacheDir),
        ...(o.ref === undefined ? {} : { ref: o.ref }),
      });
      const render = { json: graphJson, mermaid: graphMermaid, dot: graphDot }[format];
      io.stdout(render(graph));
    },
  );
}
