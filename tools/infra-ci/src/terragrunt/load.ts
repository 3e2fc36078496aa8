import { gitBlobId } from '../cache/parse-cache.js';
import { CliError } from '../errors.js';
import type { HclJson, HclParser } from '../hcl/parse.js';
import { Evaluator, NeedFile, type UnitConfig } from './evaluate.js';
import type { ExcludeConfig } from './exclude.js';
import { ModuleIndex } from './modules.js';
import { dirOf } from './paths.js';
import { foldersOf, type Tree } from './tree.js';

function brokenUnit(id: string): UnitConfig {
  const file = id === '' ? 'terragrunt.hcl' : `${id}/terragrunt.hcl`;
  return {
    id,
    dependencies: [],
    reads: [file],
    moduleDir: undefined,
    source: undefined,
    inputs: undefined,
    exclude: undefined,
  };
}

/** One unit of the graph. Unit ids are folder paths relative to the repository root. */
export interface Unit {
  /** Unit id: the unit's folder relative to the repository root. */
  id: string;
  /** Unit ids (folders relative to the repository root) this unit depends on, sorted. */
  dependencies: string[];
  /** Files the unit reads (relative to the repository root), sorted; includes module files. */
  reads: string[];
  /** Local module folders (relative to the repository root): the unit's `terraform.source` and the
   * local modules it calls, transitively. Any file under them is read. */
  moduleDirs: string[];
  /** The unit's `exclude` block (merged over its includes); absent when it has none. */
  exclude?: ExcludeConfig;
}

/** Units by id (folder path relative to the repository root). */
export interface UnitGraph {
  units: Record<string, Unit>;
}

const IGNORED = /(^|\/)\.(terragrunt-cache|terraform)\//;

/** Unit ids (folders relative to the repository root) under `root` in a tree. */
export function discoverUnits(files: Iterable<string>, root: string): string[] {
  const prefix = root === '' ? '' : `${root}/`;
  const ids: string[] = [];
  for (const f of files) {
    if (!f.startsWith(prefix) || IGNORED.test(f)) continue;
    if (f === 'terragrunt.hcl' || f.endsWith('/terragrunt.hcl')) {
      ids.push(f.slice(0, -'/terragrunt.hcl'.length));
    }
  }
  return ids.sort();
}

/**
 * Evaluate every unit under `root` (a folder relative to the repository root). `lenient` (used for
 * the base ref) keeps a unit whose config no longer evaluates, with no dependencies, instead of failing.
 * Unit ids are folder paths relative to the repository root.
 */
export async function loadUnits(
  tree: Tree,
  root: string,
  parser: HclParser,
  lenient = false,
): Promise<{ graph: UnitGraph; configs: UnitConfig[] }> {
  const folders = foldersOf(tree.files);
  if (!folders.has(root)) throw new CliError('input', `root folder "${root}" does not exist`);
  const ids = discoverUnits(tree.files, root);
  const parsed = new Map<string, HclJson>();
  const sources = new Map<string, string>();
  const load = async (file: string): Promise<void> => {
    const content = await tree.read(file);
    sources.set(file, content);
    parsed.set(file, await parser.parse(file, content, tree.blobId?.(file)));
  };
  const prefix = root === '' ? '' : `${root}/`;
  const hcl = [...tree.files].filter(
    (f) => f.startsWith(prefix) && f.endsWith('.hcl') && !IGNORED.test(f),
  );
  const texts = tree.readMany
    ? await tree.readMany(hcl)
    : await Promise.all(hcl.map((file) => tree.read(file)));
  const contents = hcl.map((file, i) => {
    const content = texts[i] ?? '';
    return { file, content, key: tree.blobId?.(file) ?? gitBlobId(content) };
  });
  for (const c of contents) sources.set(c.file, c.content);
  const evaluator = new Evaluator(tree.repoRoot, tree.files, parsed, sources, folders);
  const evaluate = async (id: string): Promise<UnitConfig> => {
    for (;;) {
      try {
        return evaluator.evaluateUnit(id);
      } catch (err) {
        if (err instanceof NeedFile && !parsed.has(err.file)) {
          await load(err.file).catch((e: unknown) => {
            if (!lenient) throw e;
            parsed.set(err.file, {});
          });
        } else if (lenient && err instanceof CliError) {
          // A broken unit at the base ref: keep it (so it can be destroyed) without edges.
          return brokenUnit(id);
        } else {
          throw err;
        }
      }
    }
  };

  const all = await parser.parseMany(contents).catch(() => undefined);
  if (all) {
    hcl.forEach((f, i) => {
      parsed.set(f, all[i] as HclJson);
    });
  } else {
    // Some file does not parse: one by one, so the error names its file (or, lenient, is skipped).
    await Promise.all(
      hcl.map((f) =>
        load(f).catch((err: unknown) => {
          if (!lenient) throw err;
        }),
      ),
    );
  }
  const cfgs = new Map<string, UnitConfig>();
  for (const id of ids) cfgs.set(id, await evaluate(id));

  // Parse the .tf files of the units' module folders in one batch (ModuleIndex then finds them
  // parsed); a file that fails is left for ModuleIndex to report (or skip, lenient) as before.
  const moduleDirs = new Set([...cfgs.values()].flatMap((c) => c.moduleDir ?? []));
  const tfs = [...tree.files].filter((f) => f.endsWith('.tf') && moduleDirs.has(dirOf(f)));
  if (tfs.length > 0) {
    const tfTexts = tree.readMany
      ? await tree.readMany(tfs)
      : await Promise.all(tfs.map((f) => tree.read(f)));
    await parser
      .parseMany(
        tfs.map((file, i) => ({ file, content: tfTexts[i] ?? '', key: tree.blobId?.(file) })),
      )
      .catch(() => undefined);
  }
  const modules = new ModuleIndex(tree, parser, lenient);
  const configs: UnitConfig[] = [];
  const units: Record<string, Unit> = {};
  for (const id of ids) {
    const cfg = cfgs.get(id) as UnitConfig;
    configs.push(cfg);
    const reads = new Set(cfg.reads);
    const moduleDirs = cfg.moduleDir === undefined ? [] : await modules.closure(cfg.moduleDir);
    for (const dir of moduleDirs) for (const f of modules.filesUnder(dir)) reads.add(f);
    units[id] = {
      id,
      dependencies: [...new Set(cfg.dependencies.map((d) => d.id))].sort(),
      reads: [...reads].sort(),
      moduleDirs,
      ...(cfg.exclude === undefined
        ? {}
        : {
            exclude: {
              if: cfg.exclude.if,
              actions: cfg.exclude.actions,
              excludeDependencies: cfg.exclude.excludeDependencies,
              noRun: cfg.exclude.noRun,
            },
          }),
    };
  }
  return { graph: { units }, configs };
}
