import path from 'node:path';
import { CliError } from '../errors.js';
import { findCycle } from '../graph/dag.js';
import { HclParser } from '../hcl/parse.js';
import { Evaluator, NeedFile, type UnitConfig } from '../terragrunt/evaluate.js';
import { discoverUnits } from '../terragrunt/load.js';
import { foldersOf, type Tree } from '../terragrunt/tree.js';
import {
  checkInputs,
  checkLockFiles,
  checkTfrSource,
  checkVersionPins,
  type Finding,
  missingInputsAt,
  moduleVariables,
  type ParsedFile,
} from './checks.js';
import type { FmtResult } from './terraform.js';

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
  const findings: Finding[] = [];
  const prefix = root === '' ? '' : `${root}/`;
  const inRoot = [...tree.files].filter((f) => f.startsWith(prefix)).sort();
  if (inRoot.length === 0) throw new CliError('input', `root folder "${root}" has no files`);

  const fmt = await deps.fmtCheck(path.join(tree.repoRoot, root));
  if (fmt.failure !== undefined) {
    findings.push({ file: root, line: 1, message: `terraform fmt -check failed: ${fmt.failure}` });
  }
  for (const f of fmt.unformatted) {
    // fmtCheck paths are relative to the checked folder, `root`.
    findings.push({
      file: path.posix.join(root, f),
      line: 1,
      message: 'not formatted (terraform fmt -check)',
    });
  }

  const parser = new HclParser();
  const parsedMap = new Map<string, ParsedFile>();
  const hclFiles = inRoot.filter((f) => f.endsWith('.hcl') || f.endsWith('.tf'));
  await Promise.all(
    hclFiles.map(async (file) => {
      const source = await tree.read(file);
      try {
        parsedMap.set(file, { file, source, json: await parser.parse(file, source) });
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

  for (const f of parsedMap.values())
    if (f.file.endsWith('.tf')) findings.push(...checkVersionPins(f));

  const evaluator = new Evaluator(
    tree.repoRoot,
    tree.files,
    new Map([...parsedMap].map(([k, v]) => [k, v.json])),
    new Map([...parsedMap].map(([k, v]) => [k, v.source])),
    foldersOf(tree.files),
  );
  const units: UnitConfig[] = [];
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

  const cycle = findCycle(
    Object.fromEntries(units.map((u) => [u.id, u.dependencies.map((d) => d.id)])),
  );
  if (cycle) {
    // At the dependency block (possibly in an included file) that closes the first edge.
    const first = units.find((u) => u.id === cycle[0]);
    const edge = first?.dependencies.find((d) => d.id === cycle[1]);
    findings.push({
      ...(edge?.at ?? { file: `${cycle[0]}/terragrunt.hcl`, line: 1 }),
      message: `dependency cycle: ${cycle.join(' -> ')}`,
    });
  }

  for (const u of units) {
    findings.push(...checkTfrSource(u));
    if (options.requireLockFiles) findings.push(...checkLockFiles(u, tree.files));
    if (u.moduleDir === undefined) continue;
    const modPrefix = u.moduleDir === '' ? '' : `${u.moduleDir}/`;
    const tfs = [...parsedMap.values()].filter(
      (f) =>
        f.file.startsWith(modPrefix) &&
        f.file.endsWith('.tf') &&
        !f.file.slice(modPrefix.length).includes('/'),
    );
    findings.push(...checkInputs(u, moduleVariables(tfs), missingInputsAt(u, parsedMap)));
  }

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
