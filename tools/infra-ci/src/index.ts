/**
 * Change detection and tree loading over git, shared by the CLI commands and plan/apply (internal:
 * package.json exports only the `infra-ci` CLI). Unit ids are folder paths relative to the
 * repository root (e.g. "infra/environments/prod/eu-central-1/vpc").
 */
import path from 'node:path';
import { EvalCache } from './cache/eval-cache.js';
import { dirParseCache } from './cache/parse-cache.js';
import { type ChangeSet, changedPaths, detectChangesPure, touched } from './changes/detect.js';
import { CliError } from './errors.js';
import { diffNameStatus, gitTree, mergeBase, repoRootOf, resolveCommit } from './git/git.js';
import { assertAcyclic } from './graph/dag.js';
import { HclParser, parserTag, warmUpParser } from './hcl/parse.js';
import { loadUnits, type UnitGraph } from './terragrunt/load.js';
import { repoPath } from './terragrunt/paths.js';
import { foldersOf, fsTree, type Tree } from './terragrunt/tree.js';

const deps = (g: UnitGraph): Record<string, string[]> =>
  Object.fromEntries(Object.values(g.units).map((u) => [u.id, u.dependencies]));

/** Normalise a root option (absolute, or relative to the repository root) to a folder relative to the repository root. */
function rootRel(repoRoot: string, root: string): string {
  const clean = repoPath(repoRoot, root);
  if (clean === undefined) throw new CliError('input', `--root ${root} is outside the repository`);
  return clean;
}

const isHcl = (f: string): boolean => f.endsWith('.hcl') || f.endsWith('.tf');

/** Blob ids of the `.hcl` files under `root`: what loading the units parses first. */
function hclUnder(blobs: ReadonlyMap<string, string>, root: string): string[] {
  const prefix = root === '' ? '' : `${root}/`;
  const out: string[] = [];
  for (const [f, id] of blobs) if (f.startsWith(prefix) && f.endsWith('.hcl')) out.push(id);
  return out;
}

/**
 * A parser with the persistent parse cache in `cacheDir` (none when undefined). Without a cache,
 * or with an empty one, every file is parsed, so the WASM parser starts compiling right away, in
 * parallel with git; otherwise it starts as soon as a file is found missing from the cache.
 */
function newParser(cacheDir: string | undefined): HclParser {
  const cache = cacheDir === undefined ? undefined : dirParseCache(cacheDir, parserTag());
  if (!cache?.mayHaveEntries()) warmUpParser();
  return new HclParser({ cache });
}

/** Options of change detection. */
export interface ChangesOptions {
  /** Any folder inside the repository. */
  repoRoot: string;
  /** Base ref (the diff starts at the merge base of base and head). */
  base: string;
  /** Head ref. */
  head: string;
  /** Folder holding the units, relative to the repository root (e.g. "infra/environments"). */
  root: string;
  /** Folder of the persistent parse cache (parsed HCL by git blob id); none when undefined. */
  cacheDir?: string | undefined;
}

/**
 * Units changed between two git refs.
 * @returns unit ids: folder paths relative to the repository root
 */
export async function detectChanges(opts: ChangesOptions): Promise<ChangeSet> {
  return (await detectChangesAndGraph(opts)).changes;
}

/**
 * Units changed between two git refs, and the unit graph at head that change detection built
 * (the same as `loadUnitGraph({ref: head})`, without evaluating the tree twice). `baseGraph` is
 * the merge base's graph, evaluated (leniently) only when a unit is destroyed, else ids only.
 */
export async function detectChangesAndGraph(
  opts: ChangesOptions,
): Promise<{ changes: ChangeSet; graph: UnitGraph; baseGraph: UnitGraph }> {
  const parser = newParser(opts.cacheDir);
  const evalCache =
    opts.cacheDir === undefined
      ? undefined
      : (scope: string) => new EvalCache(opts.cacheDir as string, scope);
  let cache: EvalCache | undefined;
  try {
    return await changesWith(parser, opts, (scope) => {
      cache = evalCache?.(scope);
      return cache;
    });
  } finally {
    cache?.flush();
    await parser.flush(); // cache entries are whole or absent even when the run fails
  }
}

async function changesWith(
  parser: HclParser,
  opts: ChangesOptions,
  openCache: (scope: string) => EvalCache | undefined,
): Promise<{ changes: ChangeSet; graph: UnitGraph; baseGraph: UnitGraph }> {
  // git resolves refs from any folder inside the repository: no need to wait for its root.
  const refs = Promise.all([
    resolveCommit(opts.repoRoot, opts.base),
    resolveCommit(opts.repoRoot, opts.head),
  ]);
  refs.catch(() => undefined); // awaited below, after the "not a repository" error, if any
  const repo = await repoRootOf(opts.repoRoot);
  const [baseC, headC] = await refs;
  const mb = await mergeBase(repo, baseC, headC);
  const root = rootRel(repo, opts.root);
  const cache = openCache(`${repo}\0${root}`);
  let prefetch: Promise<void> = Promise.resolve();
  const [changedFiles, baseTree, headTree] = await Promise.all([
    diffNameStatus(repo, mb, headC),
    gitTree(repo, mb, () => false), // its .hcl files are read in one batch by loadUnits
    gitTree(
      repo,
      headC,
      () => false,
      (blobs) => {
        // Probe the parse cache while git reads the contents: a miss starts the WASM parser.
        prefetch = parser.prefetch(hclUnder(blobs, root));
      },
    ),
  ]);
  await prefetch;
  // A --root folder deleted or renamed at head: its units are all destroyed (planned from the
  // base), not an error; missing at both refs it is an input error.
  const headHasRoot = foldersOf(headTree.files).has(root);
  if (!headHasRoot && !foldersOf(baseTree.files).has(root)) {
    throw new CliError(
      'input',
      `root folder "${root}" does not exist at ${opts.base} nor ${opts.head}`,
    );
  }
  const head = headHasRoot
    ? (await loadUnits(headTree, root, parser, false, undefined, cache)).graph
    : ({ units: {} } satisfies UnitGraph);
  assertAcyclic(deps(head));
  // What each unit reads is evaluated at the base too (docs/change-detection.md): a file
  // read only at the base (a nearer region.hcl deleted) changes the unit as well. A base config
  // that no longer evaluates must not block the PR that fixes it: it is read leniently, and its
  // unit counts as changed (its base reads are unknown).
  // A unit whose head evaluation read, probed and globbed no changed path evaluates the same at
  // the base (evaluation is a function of exactly those): it is reused, not evaluated again.
  const what = changedPaths(changedFiles);
  const owners = new Set([...what.keys()].flatMap((p) => unitsHolding(p, head)));
  const reusable = (id: string): boolean => {
    const u = head.units[id];
    return (
      u !== undefined &&
      u.unknown === undefined &&
      !owners.has(id) &&
      touched(u, what) === undefined
    );
  };
  const unitsAtBase = foldersOf(baseTree.files).has(root)
    ? (await loadUnits(baseTree, root, parser, true, { graph: head, reusable }, cache)).graph
    : ({ units: {} } satisfies UnitGraph);
  const result = detectChangesPure({ changedFiles, unitsAtBase, unitsAtHead: head });
  if (result.destroyed.length > 0) assertAcyclic(deps(unitsAtBase));
  return { changes: result, graph: head, baseGraph: unitsAtBase };
}

/**
 * The unit graph at a git ref, or of the working tree when `ref` is omitted.
 * @param opts.root folder holding the units, relative to the repository root
 * @param opts.cacheDir folder of the persistent parse cache; none when undefined
 * @returns units keyed by id: folder paths relative to the repository root
 */
export async function loadUnitGraph(opts: {
  repoRoot: string;
  root: string;
  ref?: string;
  cacheDir?: string | undefined;
}): Promise<UnitGraph> {
  const parser = newParser(opts.cacheDir);
  const { tree, root } = await openTree(opts);
  const cache =
    opts.cacheDir === undefined
      ? undefined
      : new EvalCache(opts.cacheDir, `${tree.repoRoot}\0${root}`);
  const { graph } = await loadUnits(tree, root, parser, false, undefined, cache).finally(() => {
    cache?.flush();
    return parser.flush();
  });
  assertAcyclic(deps(graph));
  return graph;
}

/** Units of `g` whose folder holds `file` (any depth). */
function unitsHolding(file: string, g: UnitGraph): string[] {
  const out: string[] = [];
  let d = file;
  while (d.includes('/')) {
    d = d.slice(0, d.lastIndexOf('/'));
    if (d in g.units) out.push(d);
  }
  return out;
}

/** The repository root (absolute) and a --root folder relative to it. */
export async function resolveRoot(opts: {
  repoRoot: string;
  root: string;
}): Promise<{ repo: string; root: string }> {
  const repo = await repoRootOf(path.resolve(opts.repoRoot)).catch(() =>
    path.resolve(opts.repoRoot),
  );
  return { repo, root: rootRel(repo, opts.root) };
}

/** The working tree (or a ref's tree) and the root folder relative to the repository root. */
export async function openTree(opts: {
  repoRoot: string;
  root: string;
  ref?: string;
}): Promise<{ tree: Tree; root: string }> {
  let repo = path.resolve(opts.repoRoot);
  let tree: Tree;
  if (opts.ref !== undefined) {
    repo = await repoRootOf(repo);
    tree = await gitTree(repo, await resolveCommit(repo, opts.ref), isHcl);
  } else {
    repo = await repoRootOf(repo).catch(() => repo);
    tree = await fsTree(repo);
  }
  return { tree, root: rootRel(repo, opts.root) };
}
