import { attributePattern, blockPattern, findLine, type HclJson } from '../hcl/parse.js';
import type { Location, UnitConfig } from '../terragrunt/evaluate.js';

/** One problem found by `validate`: repository-relative file, 1-based line, message. */
export interface Finding {
  file: string;
  line: number;
  message: string;
}

/** A parsed file: repository-relative path, source text and hcl2json output. */
export interface ParsedFile {
  file: string;
  source: string;
  json: HclJson;
}

const EXACT = /^=?\s*\d+\.\d+\.\d+$/;

type Labeled = { label: string; body: Record<string, unknown> };

/** Labeled blocks (`variable`, `output`, `module`) as hcl2json gives them. Pure. */
export function labeled(v: unknown): Labeled[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  return Object.entries(v).flatMap(([label, bodies]) =>
    (Array.isArray(bodies) ? bodies : [bodies]).map((body) => ({
      label,
      body: body as Record<string, unknown>,
    })),
  );
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
}

/** True for a Terraform registry address (`ns/name/provider` or `host/ns/name/provider`). */
export function isRegistrySource(source: string): boolean {
  return /^([a-z0-9.-]+\.[a-z]+\/)?[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/.test(source);
}

/** Each `required_providers` entry of a file: the provider's name and its version constraint as written. */
export function requiredProviders(f: ParsedFile): { name: string; version: unknown }[] {
  return list(f.json.terraform).flatMap((tf) =>
    list(tf.required_providers).flatMap((rp) =>
      Object.entries(rp).map(([name, spec]) => ({
        name,
        version:
          typeof spec === 'object' && spec !== null
            ? (spec as Record<string, unknown>).version
            : spec,
      })),
    ),
  );
}

/** Registry module calls need an exact `version`; `required_providers` entries need `= X.Y.Z`. */
export function checkVersionPins(f: ParsedFile): Finding[] {
  const out: Finding[] = [];
  for (const { label, body } of labeled(f.json.module)) {
    const source = body.source;
    if (typeof source !== 'string' || !isRegistrySource(source)) continue;
    const version = body.version;
    if (typeof version !== 'string' || !EXACT.test(version.trim())) {
      out.push({
        file: f.file,
        line: findLine(f.source, blockPattern('module', label)),
        message: `module "${label}" (${source}) needs an exact version = "X.Y.Z" (got ${JSON.stringify(version ?? null)})`,
      });
    }
  }
  for (const { name, version } of requiredProviders(f)) {
    if (typeof version !== 'string' || !EXACT.test(version.trim())) {
      out.push({
        file: f.file,
        line: findLine(f.source, attributePattern(name)),
        message: `required_providers.${name} needs an exact version "= X.Y.Z" (got ${JSON.stringify(version ?? null)})`,
      });
    }
  }
  return out;
}

/** Variables a module declares: name → whether it has a default (optional). */
export function moduleVariables(files: ParsedFile[]): Map<string, { required: boolean }> {
  const vars = new Map<string, { required: boolean }>();
  for (const f of files) {
    for (const { label, body } of labeled(f.json.variable))
      vars.set(label, { required: !('default' in body) });
  }
  return vars;
}

/**
 * Where a missing required input should be added: the unit's own `inputs =` line; else the
 * `inputs =` line of the file that selects the module (`terraform.source`, often a shared
 * `_common/*.hcl`); else that `source =` line; else line 1 of the unit's terragrunt.hcl.
 */
export function missingInputsAt(
  unit: UnitConfig,
  parsed: ReadonlyMap<string, ParsedFile>,
): Location {
  const unitFile = unit.id === '' ? 'terragrunt.hcl' : `${unit.id}/terragrunt.hcl`;
  const inputsLine = (file: string | undefined): Location | undefined => {
    const f = file === undefined ? undefined : parsed.get(file);
    if (f === undefined || f.json.inputs === undefined) return undefined;
    return { file: f.file, line: findLine(f.source, attributePattern('inputs')) };
  };
  return (
    inputsLine(unitFile) ??
    inputsLine(unit.source?.at.file) ??
    unit.source?.at ?? { file: unitFile, line: 1 }
  );
}

/**
 * Unit inputs against its local module's variables: no unknown inputs, every required one set.
 * `missingAt` is where a missing input is reported (see `missingInputsAt`).
 */
export function checkInputs(
  unit: UnitConfig,
  vars: Map<string, { required: boolean }>,
  missingAt: Location,
): Finding[] {
  if (unit.inputs === undefined || unit.moduleDir === undefined) return [];
  const out: Finding[] = [];
  for (const [name, at] of unit.inputs) {
    if (!vars.has(name)) {
      out.push({ ...at, message: `input "${name}" is not a variable of module ${unit.moduleDir}` });
    }
  }
  const unitFile = unit.id === '' ? 'terragrunt.hcl' : `${unit.id}/terragrunt.hcl`;
  const forUnit = missingAt.file === unitFile ? '' : ` for unit ${unit.id}`;
  for (const [name, v] of vars) {
    if (v.required && !unit.inputs.has(name)) {
      out.push({
        ...missingAt,
        message: `required variable "${name}" of module ${unit.moduleDir} is not set in inputs${forUnit} (unit or its includes)`,
      });
    }
  }
  return out;
}

/** `tfr://` terraform.source URLs must pin `?version=X.Y.Z`. */
export function checkTfrSource(unit: UnitConfig): Finding[] {
  const s = unit.source;
  if (!s?.value.startsWith('tfr://')) return [];
  const version = /[?&]version=([^&]+)/.exec(s.value)?.[1];
  if (version !== undefined && EXACT.test(version)) return [];
  return [{ ...s.at, message: `terraform.source ${s.value} needs ?version=X.Y.Z` }];
}

/**
 * With `--require-lock-files`: every unit that runs a module (has a `terraform.source`) must have
 * a committed `.terraform.lock.hcl` next to its terragrunt.hcl, so `init` installs exactly the
 * reviewed provider builds. `files` are the tree's repository-relative paths.
 */
export function checkLockFiles(unit: UnitConfig, files: ReadonlySet<string>): Finding[] {
  if (unit.source === undefined) return [];
  const dir = unit.id === '' ? '' : `${unit.id}/`;
  if (files.has(`${dir}.terraform.lock.hcl`)) return [];
  return [
    {
      file: `${dir}terragrunt.hcl`,
      line: 1,
      message: `no .terraform.lock.hcl next to this unit (create it with \`terragrunt run --all -- providers lock -platform=linux_amd64 -platform=darwin_arm64\` and commit it)`,
    },
  ];
}
