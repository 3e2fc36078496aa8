#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { DeployCheckError } from './errors.js';
import { loadAppConfigParser } from './io/app-config.js';
import { readInfraFacts } from './io/infra.js';
import { kubectlKustomize } from './io/kustomize.js';
import { promtoolCheck } from './io/promtool.js';
import { formatFinding } from './model.js';
import { findRepoRoot, fsProbe } from './repo-root.js';
import { runChecks } from './run.js';

/**
 * The CLI edge, and the only module reading argv: parses options, runs the checks, prints the
 * findings, sets the exit code (0 clean, 1 findings, 2 could not run).
 */
function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version ?? '0.0.0');
}

/** The repository root above `cwd` (see findRepoRoot), or a usage error. */
function repoRootFrom(cwd: string): string {
  const root = findRepoRoot(
    cwd,
    fsProbe(existsSync, (p) => readFileSync(p, 'utf8')),
  );
  if (root === undefined) {
    throw new DeployCheckError(
      'NOT_FOUND',
      `no repository root at or above ${cwd} (a folder with .git or a package.json with workspaces): run it inside the repository or pass --repo <dir>`,
    );
  }
  return root;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('deploy-check')
    .version(packageVersion())
    .description(
      'Offline validation of the Flux GitOps tree (render, substitute, schemas, cross-checks)',
    )
    .option(
      '--repo <dir>',
      'repository root: Flux spec.path values are relative to it (default: the nearest folder up from here with .git or the root package.json)',
    )
    .option('--deploy <dir>', 'the GitOps tree (default: <repo>/deploy)')
    .option(
      '--infra <dir>',
      'the infra tree deploy/ is cross-checked against (default: <repo>/infra)',
    )
    .exitOverride();
  program.parse([...argv], { from: 'user' });
  const opts = program.opts<{ repo?: string; deploy?: string; infra?: string }>();
  const repoRoot = resolve(opts.repo ?? repoRootFrom(process.cwd()));
  const deployDir = resolve(opts.deploy ?? resolve(repoRoot, 'deploy'));
  const infraDir = resolve(opts.infra ?? resolve(repoRoot, 'infra'));
  const infra = await readInfraFacts(repoRoot, infraDir);
  if (opts.infra !== undefined && infra === undefined) {
    throw new DeployCheckError('NOT_FOUND', `--infra ${infraDir} does not exist`);
  }
  const report = await runChecks({
    repoRoot,
    deployDir,
    build: kubectlKustomize,
    infra,
    promtool: promtoolCheck,
    appConfig: await loadAppConfigParser(),
  });
  for (const n of report.notices) console.log(`note: ${n}`);
  for (const f of report.findings) console.error(formatFinding(f));
  const summary = report.clusters
    .map((c) => `${c.cluster}: ${c.kustomizations} Kustomization(s), ${c.objects.length} objects`)
    .join('; ');
  if (report.findings.length > 0) {
    console.error(`deploy-check: ${report.findings.length} problem(s) (${summary})`);
    return 1;
  }
  console.log(`deploy-check: ok (${summary})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof DeployCheckError) {
      console.error(`deploy-check: ${e.code}: ${e.message}`);
    } else if (e instanceof Error && 'code' in e && String(e.code).startsWith('commander.')) {
      // --help and --version end parsing with exit code 0; usage errors with 2.
      process.exitCode = 'exitCode' in e && e.exitCode === 0 ? 0 : 2;
      return;
    } else {
      console.error(e);
    }
    process.exitCode = 2;
  },
);
