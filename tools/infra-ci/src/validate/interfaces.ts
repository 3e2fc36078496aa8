/**
 * Checks of units against their modules' interfaces: a local module's files, or the vendored
 * `variables.tf` / `outputs.tf` / `versions.tf` of a pinned registry module (upstream.ts). Pure
 * functions over parsed files.
 */
import { distance } from 'fastest-levenshtein';
import type { Location, UnitConfig } from '../terragrunt/evaluate.js';
import { type Finding, labeled, type ParsedFile } from './checks.js';
import { REFRESH, tfrPin, vendorDirOf } from './upstream.js';

/** The files of one module interface and how messages name the module. */
export interface ModuleFiles {
  /** e.g. `infra/modules/kubernetes` or `terraform-aws-modules/eks/aws 20.35.0`. */
  name: string;
  files: ParsedFile[];
}

/** Parsed `.tf` files directly in `dir` (not in subfolders). Pure. */
export function filesIn(parsed: Iterable<ParsedFile>, dir: string): ParsedFile[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  return [...parsed].filter(
    (f) =>
      f.file.startsWith(prefix) &&
      f.file.endsWith('.tf') &&
      !f.file.slice(prefix.length).includes('/'),
  );
}

/**
 * The interface a unit runs: its local module's files, or the vendored files of its `tfr://` pin.
 * `missing` when the unit pins a registry module whose interface is not vendored; undefined when the
 * unit's source is neither (no source, git, …: not checked).
 */
export function moduleOf(
  unit: UnitConfig,
  root: string,
  parsed: Iterable<ParsedFile>,
): ModuleFiles | { missing: Finding } | undefined {
  if (unit.moduleDir !== undefined) {
    return { name: unit.moduleDir, files: filesIn(parsed, unit.moduleDir) };
  }
  const pin = unit.source === undefined ? undefined : tfrPin(unit.source.value);
  if (pin === undefined || unit.source === undefined) return undefined;
  const dir = vendorDirOf(root, pin);
  const files = filesIn(parsed, dir);
  if (files.some((f) => f.file === `${dir}/variables.tf`)) {
    return { name: `${pin.address} ${pin.version}`, files };
  }
  return {
    missing: {
      ...unit.source.at,
      message: `unit ${unit.id}: terraform.source pins ${pin.address} ${pin.version}, whose interface is not vendored (expected ${dir}/variables.tf, outputs.tf, versions.tf); run \`${REFRESH}\``,
    },
  };
}

/** Output names a module declares. Pure. */
export function moduleOutputs(files: readonly ParsedFile[]): Set<string> {
  return new Set(files.flatMap((f) => labeled(f.json.output).map((o) => o.label)));
}

/**
 * What a message lists of the names that exist: all of them when few, else the count and the
 * closest ones to `wanted`. Pure.
 */
export function existing(names: Iterable<string>, wanted: string, max = 8): string {
  const all = [...names].sort();
  if (all.length === 0) return 'none';
  if (all.length <= max) return all.join(', ');
  const near = [...all].sort((x, y) => distance(wanted, x) - distance(wanted, y)).slice(0, 3);
  return `${all.length} of them; closest: ${near.join(', ')}`;
}

const REF = /\bdependency\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g;

/** `dependency.<name>.outputs.<key>` references of a file, outside comments, with their lines. Pure. */
export function outputRefs(source: string): { dep: string; key: string; line: number }[] {
  const out: { dep: string; key: string; line: number }[] = [];
  source.split('\n').forEach((text, i) => {
    const code = text.replace(/(^|\s)(#|\/\/).*$/, '');
    for (const m of code.matchAll(REF)) out.push({ dep: m[1] ?? '', key: m[2] ?? '', line: i + 1 });
  });
  return out;
}

/**
 * Every `dependency.x.outputs.y` in the unit's own file and its includes names a dependency block
 * of the unit and an output its upstream's module declares, and is in that block's literal
 * `mock_outputs` when it has one (a plan on the mocks would fail on the missing attribute); every
 * mock key is an output of the upstream's module (a mock must look like the real outputs).
 * @param outputsOf output names of a unit's module by unit id; undefined when not known
 */
export function checkOutputRefs(
  unit: UnitConfig,
  parsed: ReadonlyMap<string, ParsedFile>,
  outputsOf: (id: string) => { module: string; outputs: Set<string> } | undefined,
): Finding[] {
  const own = unit.id === '' ? 'terragrunt.hcl' : `${unit.id}/terragrunt.hcl`;
  const byName = new Map(
    unit.dependencies.flatMap((d) => (d.name === undefined ? [] : [[d.name, d] as const])),
  );
  const out: Finding[] = [];
  for (const file of [own, ...unit.includes]) {
    const f = parsed.get(file);
    if (f === undefined) continue;
    for (const r of outputRefs(f.source)) {
      const at: Location = { file, line: r.line };
      const ref = `unit ${unit.id}: dependency.${r.dep}.outputs.${r.key}`;
      const dep = byName.get(r.dep);
      if (dep === undefined) {
        out.push({
          ...at,
          message: `${ref} names no dependency block "${r.dep}" of the unit (it has ${[...byName.keys()].map((n) => `"${n}"`).join(', ') || 'none'})`,
        });
        continue;
      }
      const mod = outputsOf(dep.id);
      if (mod !== undefined && !mod.outputs.has(r.key)) {
        out.push({
          ...at,
          message: `${ref}: ${dep.id} runs ${mod.module}, which has no output "${r.key}" (it has ${existing(mod.outputs, r.key)})`,
        });
      }
      const keys = dep.mock?.keys;
      // Reported once: a reference to no output at all is the finding above.
      if (
        keys !== undefined &&
        !keys.includes(r.key) &&
        (mod === undefined || mod.outputs.has(r.key))
      ) {
        out.push({
          ...at,
          message: `${ref}: the mock_outputs of dependency "${r.dep}" have no "${r.key}" (they have ${keys.join(', ') || 'none'}), so a plan before ${dep.id} is applied fails; add it to mock_outputs`,
        });
      }
    }
  }
  return [...out, ...mockKeyFindings(unit, outputsOf)];
}

/** Mock keys that are not outputs of the upstream's module. Pure. */
function mockKeyFindings(
  unit: UnitConfig,
  outputsOf: (id: string) => { module: string; outputs: Set<string> } | undefined,
): Finding[] {
  return unit.dependencies.flatMap((d) => {
    const mod = outputsOf(d.id);
    if (mod === undefined || d.mock?.keys === undefined) return [];
    return d.mock.keys
      .filter((k) => !mod.outputs.has(k))
      .map((k) => ({
        ...d.at,
        message: `unit ${unit.id}: mock_outputs key "${k}" of dependency "${d.name ?? d.id}" is not an output of ${mod.module} (run by ${d.id}; it has ${existing(mod.outputs, k)})`,
      }));
  });
}

/** Unit inputs against a registry module's vendored variables: names the unit and the module. Pure. */
export function checkRegistryInputs(
  unit: UnitConfig,
  mod: ModuleFiles,
  vars: Map<string, { required: boolean }>,
  missingAt: Location,
): Finding[] {
  if (unit.inputs === undefined) return [];
  const out: Finding[] = [];
  for (const [name, at] of unit.inputs) {
    if (!vars.has(name)) {
      out.push({
        ...at,
        message: `unit ${unit.id}: input "${name}" is not a variable of ${mod.name} (vendored variables.tf; it has ${existing(vars.keys(), name)})`,
      });
    }
  }
  for (const [name, v] of vars) {
    if (v.required && !unit.inputs.has(name)) {
      out.push({
        ...missingAt,
        message: `unit ${unit.id}: required variable "${name}" of ${mod.name} is not set in inputs (unit or its includes)`,
      });
    }
  }
  return out;
}
