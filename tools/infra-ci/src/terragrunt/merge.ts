/**
 * How an included file's configuration merges into the including file, per the include's
 * `merge_strategy`, as Terragrunt does it (pkg/config/include.go: handleInclude,
 * handleIncludeForDependency, Merge, DeepMerge, mergeDependencyBlocks, deepMergeDependencyBlocks;
 * pkg/config/dependency.go: Dependency.DeepMerge; pkg/config/config.go: ModuleDependencies.Merge).
 * Pure functions over plain data.
 *
 * - `no_merge`: nothing of the included file is merged (its locals stay readable when exposed).
 * - `shallow` (the default): the child's attributes override; `dependency` blocks are merged by
 *   name, the child's block replacing the included one whole; `dependencies.paths` are joined.
 * - `deep`: as shallow, but a `dependency` block of the same name is merged field by field: the
 *   child's `config_path`/`enabled` override only when set.
 */
import type { Unknown } from '../hcl/value.js';
import type { Location } from './evaluate.js';
import { type ExcludeBlock, mergeExclude } from './exclude.js';

export const MERGE_STRATEGIES = ['no_merge', 'shallow', 'deep'] as const;
export type MergeStrategy = (typeof MERGE_STRATEGIES)[number];

/** A `dependency` block as one file sets it (undefined: not set in that file). */
export interface DepBlock {
  /** The evaluated config_path, unknown (not static), or undefined when not set. */
  configPath: string | Unknown | undefined;
  /** `enabled`: false adds no edge (pkg/config/dependency.go isEnabled); unknown counts as enabled. */
  enabled: boolean | Unknown | undefined;
  /** Whether the block sets `mock_outputs` (merged: set in either file). */
  mocked: boolean;
  /**
   * `mock_outputs_allowed_terraform_commands`: the commands, unknown (not static), or undefined
   * when not set (Terragrunt then allows the mocks for every command: pkg/config/dependency.go
   * shouldReturnMockOutputs). Deep merge concatenates (mergeMockOutputsAllowedTerraformCommands).
   */
  mockCommands: string[] | Unknown | undefined;
  /** The keys of a literal `mock_outputs` map; undefined when unset or not a literal map. */
  mockKeys: string[] | undefined;
  at: Location;
}

/** What one file (merged with its own includes) contributes to a unit. */
export interface FileConfig {
  /** `dependency` blocks by name. */
  deps: Map<string, DepBlock>;
  /** `dependencies { paths = [...] }` entries (evaluated, unresolved). */
  depPaths: { path: string; at: Location }[];
  /** `terraform.source`; value unknown when not static. */
  source: { value: string | Unknown; at: Location } | undefined;
  /** Input names with where each is set; undefined when the inputs are not static. */
  inputs: Map<string, Location> | undefined;
  exclude: ExcludeBlock | undefined;
}

export function emptyConfig(): FileConfig {
  return {
    deps: new Map(),
    depPaths: [],
    source: undefined,
    inputs: new Map(),
    exclude: undefined,
  };
}

/** Deep merge of two allowed-command lists: concatenated; unknown wins; unset takes the other. */
function mergeCommands(
  p: DepBlock['mockCommands'],
  c: DepBlock['mockCommands'],
): DepBlock['mockCommands'] {
  if (p === undefined) return c;
  if (c === undefined) return p;
  if (!Array.isArray(p) || !Array.isArray(c)) return Array.isArray(p) ? c : p;
  return [...p, ...c];
}

/** `child` with the included file's `parent` merged in under `strategy` (child wins). */
export function mergeInclude(
  parent: FileConfig,
  child: FileConfig,
  strategy: MergeStrategy,
): FileConfig {
  if (strategy === 'no_merge') return child;
  const deps = new Map(parent.deps);
  for (const [name, c] of child.deps) {
    const p = deps.get(name);
    deps.set(
      name,
      strategy === 'deep' && p !== undefined
        ? {
            configPath:
              c.configPath !== undefined && c.configPath !== '' ? c.configPath : p.configPath,
            enabled: c.enabled ?? p.enabled,
            mocked: c.mocked || p.mocked,
            mockCommands: mergeCommands(p.mockCommands, c.mockCommands),
            // Deep merge merges the two maps (pkg/config/dependency.go mergeMockOutputs).
            mockKeys:
              c.mockKeys === undefined || p.mockKeys === undefined
                ? (c.mockKeys ?? p.mockKeys)
                : [...new Set([...p.mockKeys, ...c.mockKeys])],
            at: c.configPath !== undefined ? c.at : p.at,
          }
        : c,
    );
  }
  const seen = new Set(parent.depPaths.map((d) => d.path));
  const depPaths = [...parent.depPaths, ...child.depPaths.filter((d) => !seen.has(d.path))];
  const inputs =
    parent.inputs === undefined || child.inputs === undefined
      ? undefined
      : new Map([...parent.inputs, ...child.inputs]);
  return {
    deps,
    depPaths,
    source: child.source ?? parent.source,
    inputs,
    exclude:
      child.exclude === undefined
        ? parent.exclude
        : parent.exclude === undefined
          ? child.exclude
          : mergeExclude(parent.exclude, child.exclude),
  };
}
