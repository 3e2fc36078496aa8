/**
 * infra-ci's unit graph against Terragrunt's own discovery: the JSON of
 * `terragrunt find --json --dag --dependencies --reading`, run in the --root folder. Its shape
 * (gruntwork-io/terragrunt v1.1.3, internal/cli/commands/find/find.go FoundComponent) is a list
 * of `{type: "unit"|"stack", path, dependencies?, reading?}`, every path relative to the folder
 * find ran in (discovery.RelPathOrAbs; absolute when it could not be made relative).
 *
 * Compared: the units (and stacks), the dependency edges, and the reads — every file Terragrunt
 * reads (includes, read_terragrunt_config, read_tfvars_file, sops_decrypt_file, mark_as_read,
 * mark_glob_as_read, the local module's .tf files: pkg/config/files_read.go and its callers) must
 * be a read of infra-ci, which reads more by design (the unit's own terragrunt.hcl, file(), var
 * files, every file of the module and of the local modules it calls). A unit infra-ci already
 * treats as always changed (unknown reads) cannot miss a read. A terragrunt.hcl that units include
 * (a root configuration) is a unit to Terragrunt but not to infra-ci: noted, not a difference.
 * Pure functions over plain data.
 */
import { CliError } from '../errors.js';
import type { UnitGraph } from '../terragrunt/load.js';
import { repoPath } from '../terragrunt/paths.js';

/** One entry of `terragrunt find --json`. */
export interface FoundComponent {
  type: 'unit' | 'stack';
  path: string;
  dependencies?: string[];
  reading?: string[];
}

export interface Difference {
  what: 'unit' | 'stack' | 'edge' | 'read';
  unit: string;
  /** What Terragrunt has ('' when it lacks it). */
  terragrunt: string;
  /** What infra-ci has ('' when it lacks it). */
  infraCi: string;
}

export interface Comparison {
  differences: Difference[];
  /** Accepted differences, explained (root configurations). */
  notes: string[];
}

/** Parse and check the JSON `terragrunt find --json` printed; `name` labels errors. */
export function parseFindJson(text: string, name: string): FoundComponent[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CliError('input', `${name}: not JSON (${(err as Error).message})`);
  }
  const strings = (v: unknown): v is string[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!Array.isArray(data)) {
    throw new CliError('input', `${name}: expected the JSON list of \`terragrunt find --json\``);
  }
  return data.map((c: unknown, i) => {
    const o = c as Record<string, unknown>;
    if (
      typeof o !== 'object' ||
      o === null ||
      (o.type !== 'unit' && o.type !== 'stack') ||
      typeof o.path !== 'string' ||
      (o.dependencies !== undefined && !strings(o.dependencies)) ||
      (o.reading !== undefined && !strings(o.reading))
    ) {
      throw new CliError(
        'input',
        `${name}: entry ${i} is not {type: "unit"|"stack", path, dependencies?, reading?}`,
      );
    }
    return o as unknown as FoundComponent;
  });
}

/**
 * @param root the folder find ran in, relative to the repository root
 * @param repoRoot absolute repository root (for absolute paths in find's output)
 */
export function compareWithTerragrunt(
  found: FoundComponent[],
  graph: UnitGraph,
  root: string,
  repoRoot: string,
): Comparison {
  const id = (p: string): string => repoPath(repoRoot, p, root) ?? p;
  const differences: Difference[] = [];
  const notes: string[] = [];
  const rootConfigs = new Set(graph.rootConfigs ?? []);
  const tg = new Map(found.map((c) => [id(c.path), c]));
  for (const [u, c] of tg) {
    const ours = graph.units[u];
    const oursKind = ours === undefined ? undefined : (ours.kind ?? 'unit');
    if (oursKind === c.type) continue;
    if (ours === undefined && rootConfigs.has(u)) {
      notes.push(`${u || '.'}: a root configuration (included by units), not a unit to infra-ci`);
      continue;
    }
    differences.push({ what: c.type, unit: u, terragrunt: c.type, infraCi: oursKind ?? '' });
  }
  for (const [u, ours] of Object.entries(graph.units)) {
    if (!tg.has(u)) {
      const kind = ours.kind ?? 'unit';
      differences.push({ what: kind, unit: u, terragrunt: '', infraCi: kind });
    }
  }
  for (const [u, c] of tg) {
    const ours = graph.units[u];
    if (ours === undefined || c.type !== 'unit') continue;
    const theirs = new Set((c.dependencies ?? []).map(id));
    const mine = new Set(ours.dependencies);
    for (const d of [...theirs].filter((d) => !mine.has(d)).sort())
      differences.push({ what: 'edge', unit: u, terragrunt: `→ ${d}`, infraCi: '' });
    for (const d of [...mine].filter((d) => !theirs.has(d)).sort())
      differences.push({ what: 'edge', unit: u, terragrunt: '', infraCi: `→ ${d}` });
    if ((ours.unknown ?? []).length > 0) continue;
    const reads = new Set([...ours.reads, ...(ours.probes ?? [])]);
    const prefixes = ours.moduleDirs.map((d) => (d === '' ? '' : `${d}/`));
    for (const r of (c.reading ?? []).map(id).sort()) {
      if (!reads.has(r) && !prefixes.some((p) => r.startsWith(p)))
        differences.push({ what: 'read', unit: u, terragrunt: r, infraCi: '' });
    }
  }
  differences.sort((a, b) =>
    `${a.unit}\0${a.what}\0${a.terragrunt}${a.infraCi}`.localeCompare(
      `${b.unit}\0${b.what}\0${b.terragrunt}${b.infraCi}`,
    ),
  );
  return { differences, notes: notes.sort() };
}

/** A Markdown report: the table of differences (or that there is none), then the notes. */
export function comparisonReport(c: Comparison, unitCount: number): string {
  const cell = (s: string): string => (s === '' ? '—' : `\`${s.replace(/\|/g, '\\|')}\``);
  const lines = [
    c.differences.length === 0
      ? `infra-ci and terragrunt find agree on ${unitCount} units: units, dependency edges and reads.`
      : `infra-ci and terragrunt find differ (${c.differences.length}):`,
  ];
  if (c.differences.length > 0) {
    lines.push('', '| what | unit | terragrunt | infra-ci |', '| --- | --- | --- | --- |');
    for (const d of c.differences) {
      lines.push(
        `| ${d.what} | ${cell(d.unit || '.')} | ${cell(d.terragrunt)} | ${cell(d.infraCi)} |`,
      );
    }
  }
  if (c.notes.length > 0) lines.push('', 'Accepted:', ...c.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
