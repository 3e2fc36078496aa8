import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError } from '../../errors.js';
import { compareWithTerragrunt, comparisonReport, parseFindJson } from '../../graph/crosscheck.js';
import { loadUnitGraph, resolveRoot } from '../../index.js';
import { graphDot, graphJson, graphMermaid } from '../format.js';
import type { Io } from '../io.js';
import { addCacheOptions, cacheDirOption, choice, rootOption, UNITS_ROOT } from '../options.js';

const FORMATS = ['json', 'mermaid', 'dot'] as const;

interface GraphOptions {
  root?: string;
  ref?: string;
  format: string;
  cache: boolean;
  cacheDir?: string;
  compareTerragrunt?: string;
}

export function register(program: Command, io: Io): void {
  const command = program
    .command('graph')
    .description('the unit dependency graph of the working tree (or of --ref)')
    .option('--root <dir>', UNITS_ROOT)
    .option('--ref <ref>', 'read the tree at this git ref instead of the working tree')
    .option('--format <format>', `output: ${FORMATS.join('|')}`, 'json')
    .option(
      '--compare-terragrunt <file>',
      'instead of the graph: compare it with `terragrunt find --json --dag --dependencies --reading` (run in --root) saved in <file>; a table of differences, exit 1 when any',
    );
  addCacheOptions(command).action(async (o: GraphOptions) => {
    const format = choice('format', o.format, FORMATS);
    const root = rootOption(io.env.cwd, o.root, 'infra/environments');
    const graph = await loadUnitGraph({
      repoRoot: io.env.cwd,
      root,
      cacheDir: cacheDirOption(io.env.cwd, o, io.env.cacheDir),
      ...(o.ref === undefined ? {} : { ref: o.ref }),
    });
    if (o.compareTerragrunt === undefined) {
      const render = { json: graphJson, mermaid: graphMermaid, dot: graphDot }[format];
      io.stdout(render(graph));
      return;
    }
    const file = o.compareTerragrunt;
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new CliError('input', `--compare-terragrunt ${file}: ${(err as Error).message}`);
    });
    const where = await resolveRoot({ repoRoot: io.env.cwd, root });
    const result = compareWithTerragrunt(parseFindJson(text, file), graph, where.root, where.repo);
    const report = comparisonReport(result, Object.keys(graph.units).length);
    io.stdout(report);
    if (io.env.githubStepSummary !== undefined) {
      await io.appendFile(io.env.githubStepSummary, `## infra-ci vs terragrunt find\n\n${report}`);
    }
    if (result.differences.length > 0) {
      throw new CliError(
        'validation',
        `${result.differences.length} difference(s) with terragrunt find (table above)`,
      );
    }
  });
}
