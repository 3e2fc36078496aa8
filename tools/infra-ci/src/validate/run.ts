import path from 'node:path';
import { driftLocalFindings } from '../drift/config.js';
import { CliError } from '../errors.js';
import { findCycle } from '../graph/dag.js';
import { HclParser } from '../hcl/parse.js';
import { Evaluator, NeedFile, type UnitConfig } from '../terragrunt/evaluate.js';
import { discoverUnits } from '../terragrunt/load.js';
import { foldersOf, type Tree } from '../terragrunt/tree.js';
import { checkVersionPins, type Finding, type ParsedFile } from './checks.js';
import { moduleOf } from './interfaces.js';
import type { FmtResult } from './terraform.js';
import { isVendored, parseGenerated, type TreeContext, unitFindings } from './unit-checks.js';
import { pinsOfTree, REFRESH, stalePins } from './upstream.js';

export interface ValidateDeps {
  /** Unformatted files under an absolute folder (terraform fmt -check). */
  fmtCheck(dir: string): Promise<FmtResult>;
}

export interface ValidateOptions {
  /** Every unit with a terraform.source must have a committed .terraform.lock.hcl. */
  requireLockFiles?: boolean;
}

/**
 * Every check of `infra-ci validate` over the files under `root` (a folder relative to the
 * repository root). Returns findings sorted by file and line; empty means valid.
 */
export async function validateTree(
  tree: Tree,
  root: string,
  deps: ValidateDeps,
  options: ValidateOptions = {},
): Promise<Finding[]> {
  const prefix = root === '' ? '' : `${root}/`;
  const inRoot = [...tree.files].filter((f) => f.startsWith(prefix)).sort();
  if (inRoot.length === 0) throw new CliError('input', `root folder "${root}" has no files`);
  const fmt = fmtFindings(root, await deps.fmtCheck(path.join(tree.repoRoot, root)));
  const { parsed, parseErrors, units, unitErrors } = await loadTree(tree, root, inRoot);
  const pins = [...parsed.values()].flatMap((f) =>
    f.file.endsWith('.tf') && !isVendored(root, f.file) ? checkVersionPins(f) : [],
  );
  const context: TreeContext = {
    root,
    parsed,
    files: tree.files,
    requireLockFiles: options.requireLockFiles === true,
    generated: await parseGenerated(parsed.values()),
    modules: new Map(units.map((u) => [u.id, moduleOf(u, root, parsed.values())])),
  };
  const unitFiles = new Set(discoverUnits(tree.files, root).map((id) => `${id}/terragrunt.hcl`));
  return distinctSorted([
    ...fmt,
    ...parseErrors,
    ...pins,
    ...driftLocalFindings(parsed.values(), unitFiles), // infra-ci drift's local (src/drift/config.ts)
    ...unitErrors,
    ...cycleFindings(units),
    // Only when every file parsed and every unit evaluated: otherwise pins are missing.
    ...(parseErrors.length + unitErrors.length === 0
      ? staleVendored(root, units, parsed, inRoot)
      : []),
    ...units.flatMap((u) => unitFindings(u, context)),
  ]);
}

/**
 * Parses the `.hcl`/`.tf` files of `inRoot` (the tree's files under `root`) and evaluates every
 * unit; what does not parse or evaluate is a finding. Shared with `vendor-modules`.
 */
export async function loadTree(tree: Tree, root: string, inRoot: string[]) {
  const hclFiles = inRoot.filter((f) => f.endsWith('.hcl') || f.endsWith('.tf'));
  const { parsed, findings: parseErrors } = await parseFiles(tree, hclFiles);
  const { units, findings: unitErrors } = evaluateUnits(tree, root, parsed);
  return { parsed, parseErrors, units, unitErrors };
}

/** `terraform fmt -check`'s answer as findings (its paths are relative to the checked `root`). Pure. */
function fmtFindings(root: string, fmt: FmtResult): Finding[] {
  return [
    ...(fmt.failure === undefined
      ? []
      : [{ file: root, line: 1, message: `terraform fmt -check failed: ${fmt.failure}` }]),
    // Vendored upstream files are copied verbatim: their formatting is upstream's.
    ...fmt.unformatted
      .filter((f) => !isVendored(root, path.posix.join(root, f)))
      .map((f) => ({
        file: path.posix.join(root, f),
        line: 1,
        message: 'not formatted (terraform fmt -check)',
      })),
  ];
}

/** Reads and parses `files`; one that does not parse is a finding at its line. */
async function parseFiles(tree: Tree, files: string[]) {
  const parser = new HclParser();
  const parsed = new Map<string, ParsedFile>();
  const findings: Finding[] = [];
  await Promise.all(
    files.map(async (file) => {
      const source = await tree.read(file);
      try {
        parsed.set(file, { file, source, json: await parser.parse(file, source) });
      } catch (err) {
        if (!(err instanceof CliError)) throw err;
        const m = /^invalid HCL: ([^:]+):(\d+): (.*)$/s.exec(err.message);
        findings.push({
          file,
          line: Number(m?.[2] ?? 1),
          message: `does not parse: ${m?.[3] ?? err.message}`,
        });
      }
    }),
  );
  return { parsed, findings };
}

/** Evaluates every unit under `root` from the parsed files; one that does not evaluate is a finding. */
function evaluateUnits(tree: Tree, root: string, parsed: Map<string, ParsedFile>) {
  const evaluator = new Evaluator(
    tree.repoRoot,
    tree.files,
    new Map([...parsed].map(([k, v]) => [k, v.json])),
    new Map([...parsed].map(([k, v]) => [k, v.source])),
    foldersOf(tree.files),
  );
  const units: UnitConfig[] = [];
  const findings: Finding[] = [];
  for (const id of discoverUnits(tree.files, root)) {
    try {
      units.push(evaluator.evaluateUnit(id));
    } catch (err) {
      if (err instanceof NeedFile) {
        // At the read (include block / read_terragrunt_config call) in the file that reads it.
        findings.push({
          ...(err.at ?? { file: `${id}/terragrunt.hcl`, line: 1 }),
          message: `reads ${err.file}, which does not parse or is outside ${root}`,
        });
      } else if (err instanceof CliError) {
        const m = /^([^\s:]+):(\d+): (.*)$/s.exec(err.message);
        findings.push(
          m
            ? { file: m[1] ?? '', line: Number(m[2]), message: m[3] ?? '' }
            : { file: `${id}/terragrunt.hcl`, line: 1, message: err.message },
        );
      } else {
        throw err;
      }
    }
  }
  return { units, findings };
}

/** A dependency cycle, at the dependency block (maybe in an included file) of its first edge. Pure. */
function cycleFindings(units: UnitConfig[]): Finding[] {
  const cycle = findCycle(
    Object.fromEntries(units.map((u) => [u.id, u.dependencies.map((d) => d.id)])),
  );
  if (!cycle) return [];
  const first = units.find((u) => u.id === cycle[0]);
  const edge = first?.dependencies.find((d) => d.id === cycle[1]);
  return [
    {
      ...(edge?.at ?? { file: `${cycle[0]}/terragrunt.hcl`, line: 1 }),
      message: `dependency cycle: ${cycle.join(' -> ')}`,
    },
  ];
}

/** Vendored interface folders no pin names any more (upstream.ts `stalePins`). Pure. */
function staleVendored(
  root: string,
  units: UnitConfig[],
  parsed: Map<string, ParsedFile>,
  inRoot: string[],
): Finding[] {
  return stalePins(root, pinsOfTree(units, parsed.values()), inRoot).map((dir) => ({
    file: inRoot.find((f) => f.startsWith(`${dir}/`)) ?? dir,
    line: 1,
    message: `vendored interface no longer pinned by any unit or module; run \`${REFRESH}\` (it removes it)`,
  }));
}

/** Findings without repeats, by file then line. Pure. */
function distinctSorted(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const k = `${f.file}:${f.line}:${f.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
