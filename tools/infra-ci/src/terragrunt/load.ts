import type { EvalCache } from '../cache/eval-cache.js';
import { gitBlobId } from '../cache/parse-cache.js';
import { CliError } from '../errors.js';
import type { HclJson, HclParser } from '../hcl/parse.js';
import { Evaluator, NeedFile, type UnitConfig } from './evaluate.js';
import type { ExcludeConfig } from './exclude.js';
import { ModuleIndex } from './modules.js';
import { dirOf } from './paths.js';
import { foldersOf, type Tree } from './tree.js';

/** A unit whose config does not evaluate (lenient, at the base ref): its reads are unknown. */
function brokenUnit(id: string, why: string): UnitConfig {
  const file = id === '' ? 'terragrunt.hcl' : `${id}/terragrunt.hcl`;
  return {
    id,
    dependencies: [],
    reads: [file],
    probes: [],
    globs: [],
    unknowns: [`${why.startsWith(file) ? '' : `${file}:1: `}${why}`],
    moduleDir: undefined,
    source: undefined,
    inputs: undefined,
    exclude: undefined,
    includes: [],
  };
}

const STACK = 'terragrunt.stack.hcl';

/**
 * A folder holding `terragrunt.stack.hcl`: Terragrunt generates its units under
 * `.terragrunt-stack/` at run time (Terragrunt >= 0.78, pkg/config/stack.go). infra-ci does not
 * model the generation, so by the rule the stack is always treated as changed, with the reason.
 */
function stackUnit(id: string): Unit {
  const file = id === '' ? STACK : `${id}/${STACK}`;
  return {
    id,
    kind: 'stack',
    dependencies: [],
    reads: [file],
    moduleDirs: [],
    unknown: [
      `${file}:1: terragrunt.stack.hcl generates units at run time, which infra-ci does not model`,
    ],
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
  /** Paths whose existence the unit's evaluation checked and which it does not read; absent when none. */
  probes?: string[];
  /** Globs whose matches the unit reads (repository-relative); absent when none. */
  globs?: string[];
  /** Why the unit's reads are not exactly known ("file:line: …"); such a unit is always changed. */
  unknown?: string[];
  /**
   * Upstream unit ids whose `dependency` block has `mock_outputs` (its plan may run on mocks when
   * the upstream has no outputs yet), sorted; absent when none.
   */
  mocked?: string[];
  /** `stack`: a folder with terragrunt.stack.hcl (its generated units are not modelled). */
  kind?: 'stack';
}

/** Units by id (folder path relative to the repository root). */
export interface UnitGraph {
  units: Record<string, Unit>;
  /** Folders whose terragrunt.hcl is included by units: root configurations, not units. */
  rootConfigs?: string[];
}

const IGNORED = /(^|\/)\.(terragrunt-cache|terraform)\//;

/** Folders (relative to the repository root) under `root` holding a file named `name`. */
function foldersWith(files: Iterable<string>, root: string, name: string): string[] {
  const prefix = root === '' ? '' : `${root}/`;
  const ids: string[] = [];
  for (const f of files) {
    if (!f.startsWith(prefix) || IGNORED.test(f)) continue;
    if (f === name) ids.push('');
    else if (f.endsWith(`/${name}`)) ids.push(f.slice(0, -name.length - 1));
  }
  return ids.sort();
}

/**
 * Folders under `root` holding a terragrunt.hcl (before root configurations are told apart).
 * Stacks (terragrunt.stack.hcl) are found by `loadUnits` itself.
 */
export function discoverUnits(files: Iterable<string>, root: string): string[] {
  return foldersWith(files, root, 'terragrunt.hcl');
}

/**
 * Units known without evaluating them at this tree: `reusable(id)` when the unit's evaluation at
 * another tree (`graph`) read, probed and globbed only paths that are the same here — evaluation
 * is a function of exactly those, so it would give the same unit. `graph.rootConfigs` stay root
 * configurations.
 */
export interface Reuse {
  graph: UnitGraph;
  reusable: (id: string) => boolean;
}

export async function loadUnits(
  tree: Tree,
  root: string,
  parser: HclParser,
  lenient = false,
  reuse?: Reuse,
  evalCache?: EvalCache,
): Promise<{ graph: UnitGraph; configs: UnitConfig[] }> {
  const { folders, stackIds, tgIds } = unitFolders(tree, root);
  const parsed = new Map<string, HclJson>();
  const sources = new Map<string, string>();
  const load = async (file: string): Promise<void> => {
    const content = await tree.read(file);
    sources.set(file, content);
    parsed.set(file, await parser.parse(file, content, tree.blobId?.(file)));
  };
  const prefix = root === '' ? '' : `${root}/`;
  const reused = new Set(reuse === undefined ? [] : tgIds.filter((id) => reuse.reusable(id)));
  const knownRoots = new Set(reuse?.graph.rootConfigs ?? []);
  const tgFile = (id: string): string => (id === '' ? 'terragrunt.hcl' : `${id}/terragrunt.hcl`);
  const hits = new Map<string, UnitConfig>();
  for (const id of tgIds) {
    const hit = reused.has(id) || lenient ? undefined : evalCache?.lookup(id, tree, folders);
    if (hit) hits.set(id, hit);
  }
  const skip = new Set([...reused, ...hits.keys()].map(tgFile));
  const someMiss = tgIds.length > skip.size;
  const hcl = [...tree.files].filter(
    (f) =>
      someMiss && f.startsWith(prefix) && f.endsWith('.hcl') && !IGNORED.test(f) && !skip.has(f),
  );
  const texts = await readAll(tree, hcl);
  const contents = hcl.map((file, i) => {
    const content = texts[i] ?? '';
    return { file, content, key: tree.blobId?.(file) ?? gitBlobId(content) };
  });
  for (const c of contents) sources.set(c.file, c.content);
  const evaluator = new Evaluator(tree.repoRoot, tree.files, parsed, sources, folders);
  // Lenient runs read unparsable files as empty: such an answer is not cached.
  const store = lenient ? undefined : (cfg: UnitConfig) => evalCache?.store(cfg, tree, folders);
  const run = unitEvaluator(evaluator, parsed, load, lenient, store);
  const evaluate = async (id: string): Promise<UnitConfig> => hits.get(id) ?? (await run(id));

  const all = await parser.parseMany(contents).catch(() => undefined);
  if (all) for (const [i, f] of hcl.entries()) parsed.set(f, all[i] as HclJson);
  // Some file does not parse: one by one, so the error names its file (or, lenient, is skipped).
  else await Promise.all(hcl.map((f) => load(f).catch((e: unknown) => lenientOr(lenient, e))));
  const { cfgs, rootConfigs } = await evaluateAll(
    tgIds.filter((id) => !reused.has(id)),
    evaluate,
    knownRoots,
  );
  const reusedUnits = [...reused].flatMap((id) => reuse?.graph.units[id] ?? []);
  await parseModuleFiles(tree, parser, [...cfgs.values()]);
  const modules = new ModuleIndex(tree, parser, lenient);
  const units: Unit[] = [...[...stackIds].map(stackUnit), ...reusedUnits];
  for (const cfg of cfgs.values()) {
    const moduleDirs = cfg.moduleDir === undefined ? [] : await modules.closure(cfg.moduleDir);
    units.push(unitOf(cfg, moduleDirs, modules));
  }
  const sorted = Object.fromEntries(
    units.map((u) => [u.id, u] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
  );
  return {
    graph: { units: sorted, ...(rootConfigs.length > 0 ? { rootConfigs } : {}) },
    configs: [...cfgs.values()],
  };
}

/**
 * Evaluates a unit, loading (and parsing) each file the evaluator finds it needs, until it has
 * them all. Lenient (a base ref), a file that does not parse reads as empty and a unit that does
 * not evaluate is kept without edges, so it can still be destroyed.
 */
function unitEvaluator(
  evaluator: Evaluator,
  parsed: Map<string, HclJson>,
  load: (file: string) => Promise<void>,
  lenient: boolean,
  store: ((cfg: UnitConfig) => void) | undefined,
): (id: string) => Promise<UnitConfig> {
  return async (id) => {
    for (;;) {
      try {
        const cfg = evaluator.evaluateUnit(id);
        store?.(cfg);
        return cfg;
      } catch (err) {
        if (err instanceof NeedFile && !parsed.has(err.file)) {
          await load(err.file).catch((e: unknown) => {
            lenientOr(lenient, e);
            parsed.set(err.file, {});
          });
        } else if (lenient && err instanceof CliError) {
          return brokenUnit(id, err.message);
        } else {
          throw err;
        }
      }
    }
  };
}

/** Rethrows `e` unless the run is lenient. */
function lenientOr(lenient: boolean, e: unknown): void {
  if (!lenient) throw e;
}

/** The folders under `root` holding a unit (`terragrunt.hcl`) or a stack; input errors as Terragrunt's. */
function unitFolders(tree: Tree, root: string) {
  const folders = foldersOf(tree.files);
  if (!folders.has(root)) throw new CliError('input', `root folder "${root}" does not exist`);
  const stackIds = new Set(foldersWith(tree.files, root, STACK));
  const tgIds = foldersWith(tree.files, root, 'terragrunt.hcl');
  for (const id of tgIds) {
    if (stackIds.has(id)) {
      // internal/discovery/helpers.go validateNoCoexistence: Terragrunt refuses this too.
      throw new CliError('input', `${id}: both terragrunt.hcl and ${STACK} in one folder`);
    }
  }
  return { folders, stackIds, tgIds };
}

const readAll = (tree: Tree, files: string[]): Promise<string[]> =>
  tree.readMany ? tree.readMany(files) : Promise.all(files.map((f) => tree.read(f)));

/**
 * Parses the .tf files of the units' module folders in one batch (ModuleIndex then finds them
 * parsed); a file that fails is left for ModuleIndex to report (or skip, lenient).
 */
async function parseModuleFiles(tree: Tree, parser: HclParser, cfgs: UnitConfig[]): Promise<void> {
  const moduleDirs = new Set(cfgs.flatMap((c) => c.moduleDir ?? []));
  const tfs = [...tree.files].filter((f) => f.endsWith('.tf') && moduleDirs.has(dirOf(f)));
  if (tfs.length === 0) return;
  const texts = await readAll(tree, tfs);
  await parser
    .parseMany(tfs.map((file, i) => ({ file, content: texts[i] ?? '', key: tree.blobId?.(file) })))
    .catch(() => undefined);
}

/** `{ mocked }` of a unit with mocked dependencies, else `{}`. Pure. */
function mockedOf(cfg: UnitConfig): { mocked?: string[] } {
  const ids = [...new Set(cfg.dependencies.flatMap((d) => (d.mock === undefined ? [] : [d.id])))];
  return ids.length > 0 ? { mocked: ids.sort() } : {};
}

/** The graph's view of an evaluated unit: its reads include every file of its module closure. Pure. */
function unitOf(cfg: UnitConfig, moduleDirs: string[], modules: ModuleIndex): Unit {
  const reads = new Set(cfg.reads);
  for (const dir of moduleDirs) for (const f of modules.filesUnder(dir)) reads.add(f);
  const x = cfg.exclude;
  return {
    id: cfg.id,
    dependencies: [...new Set(cfg.dependencies.map((d) => d.id))].sort(),
    reads: [...reads].sort(),
    moduleDirs,
    ...mockedOf(cfg),
    ...(cfg.probes.length > 0 ? { probes: cfg.probes } : {}),
    ...(cfg.globs.length > 0 ? { globs: cfg.globs } : {}),
    ...(cfg.unknowns.length > 0 ? { unknown: cfg.unknowns } : {}),
    ...(x === undefined
      ? {}
      : {
          exclude: {
            if: x.if,
            actions: x.actions,
            excludeDependencies: x.excludeDependencies,
            noRun: x.noRun,
          },
        }),
  };
}

/**
 * Evaluate every folder holding a terragrunt.hcl. One that another unit includes is a root
 * configuration (the legacy `find_in_parent_folders()` layout), not a unit: it is dropped, and
 * an error evaluating it on its own does not matter. A terragrunt.hcl at the repository root
 * that no unit includes would be a unit with an empty id: an input error.
 */
async function evaluateAll(
  ids: string[],
  evaluate: (id: string) => Promise<UnitConfig>,
  knownRoots: ReadonlySet<string> = new Set(),
): Promise<{ cfgs: Map<string, UnitConfig>; rootConfigs: string[] }> {
  const cfgs = new Map<string, UnitConfig>();
  const errors = new Map<string, unknown>();
  for (const id of ids) {
    try {
      cfgs.set(id, await evaluate(id));
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      errors.set(id, err);
    }
  }
  const included = new Set<string>([...knownRoots].filter((id) => ids.includes(id)));
  for (const c of cfgs.values()) {
    for (const f of c.includes)
      if (f === 'terragrunt.hcl' || f.endsWith('/terragrunt.hcl')) included.add(dirOf(f));
  }
  for (const id of ids) {
    if (included.has(id)) {
      cfgs.delete(id);
      continue;
    }
    const err = errors.get(id);
    if (err !== undefined) throw err;
    if (id === '') {
      throw new CliError(
        'input',
        'terragrunt.hcl:1: a terragrunt.hcl at the repository root that no unit includes would be a unit with an empty id; move the unit into a folder (or name a root configuration root.hcl)',
      );
    }
  }
  return { cfgs, rootConfigs: ids.filter((id) => included.has(id)) };
}
