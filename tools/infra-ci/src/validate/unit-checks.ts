/**
 * The per-unit checks of `validate` (run.ts calls `unitFindings` for each evaluated unit): the
 * `tfr://` pin, mock outputs, lock file, inputs against the module's variables, dependency outputs
 * against the upstream's module, provider bounds. Pure over the parsed tree.
 */
import { HclParser } from '../hcl/parse.js';
import type { UnitConfig } from '../terragrunt/evaluate.js';
import {
  checkInputs,
  checkLockFiles,
  checkTfrSource,
  type Finding,
  missingInputsAt,
  moduleVariables,
  type ParsedFile,
} from './checks.js';
import {
  checkOutputRefs,
  checkRegistryInputs,
  filesIn,
  type ModuleFiles,
  type moduleOf,
  moduleOutputs,
} from './interfaces.js';
import { checkMockCommands } from './mocks.js';
import { type Constraint, checkProviderBounds, constraintsIn } from './providers.js';
import { REFRESH, registryCalls, VENDOR_DIR, vendorDirOf } from './upstream.js';

/** What every unit's checks share. */
export interface TreeContext {
  root: string;
  parsed: ReadonlyMap<string, ParsedFile>;
  files: ReadonlySet<string>;
  requireLockFiles: boolean;
  /** The parsed `contents` of each file's `generate` blocks (see `parseGenerated`). */
  generated: ReadonlyMap<string, ParsedFile[]>;
  /** Each unit's module interface (see `moduleOf`), by unit id. */
  modules: ReadonlyMap<string, ReturnType<typeof moduleOf>>;
}

/** Whether a repository-relative file is a vendored upstream interface (not ours to lint). */
export function isVendored(root: string, file: string): boolean {
  return file.startsWith(`${root === '' ? '' : `${root}/`}${VENDOR_DIR}/`);
}

export function unitFindings(u: UnitConfig, t: TreeContext): Finding[] {
  const out = [
    ...checkTfrSource(u),
    ...checkMockCommands(u),
    ...(t.requireLockFiles ? checkLockFiles(u, t.files) : []),
    ...checkOutputRefs(u, t.parsed, (id) => {
      const m = t.modules.get(id);
      return m === undefined || 'missing' in m
        ? undefined
        : { module: m.name, outputs: moduleOutputs(m.files) };
    }),
  ];
  const mod = t.modules.get(u.id);
  const { constraints, missing } = constraintsOf(u, mod, t);
  out.push(...missing, ...checkProviderBounds(u, constraints, t.files));
  if (mod === undefined) return out;
  if ('missing' in mod) return [...out, mod.missing];
  const vars = moduleVariables(mod.files);
  const at = missingInputsAt(u, t.parsed);
  return [
    ...out,
    ...(u.moduleDir !== undefined
      ? checkInputs(u, vars, at)
      : checkRegistryInputs(u, mod, vars, at)),
  ];
}

/** Provider constraints applying to a unit, and findings for pinned modules not vendored. */
function constraintsOf(
  u: UnitConfig,
  mod: ReturnType<typeof moduleOf>,
  t: TreeContext,
): { constraints: Constraint[]; missing: Finding[] } {
  const constraints: Constraint[] = [];
  const missing: Finding[] = [];
  if (mod !== undefined && !('missing' in mod)) {
    constraints.push(...constraintsIn(mod.files, moduleLabel(u, mod)));
    if (u.moduleDir !== undefined) {
      for (const call of mod.files.flatMap(registryCalls)) {
        const dir = vendorDirOf(t.root, call);
        const files = filesIn(t.parsed.values(), dir);
        if (!files.some((f) => f.file === `${dir}/versions.tf`)) {
          missing.push({
            ...call.at,
            message: `module call pins ${call.address} ${call.version}, whose interface is not vendored (expected ${dir}/versions.tf); run \`${REFRESH}\``,
          });
        }
        constraints.push(
          ...constraintsIn(files, `${call.address} ${call.version} (called by ${u.moduleDir})`),
        );
      }
    }
  }
  for (const r of u.reads) {
    constraints.push(...constraintsIn(t.generated.get(r) ?? [], `a generate block of ${r}`));
  }
  return { constraints, missing };
}

function moduleLabel(u: UnitConfig, mod: ModuleFiles): string {
  return u.moduleDir !== undefined ? mod.name : `${mod.name} versions.tf (vendored)`;
}

/** The `contents` of every `generate` block of the parsed `.hcl` files, parsed as Terraform. */
export async function parseGenerated(
  parsed: Iterable<ParsedFile>,
): Promise<Map<string, ParsedFile[]>> {
  const parser = new HclParser();
  const out = new Map<string, ParsedFile[]>();
  for (const f of parsed) {
    if (!f.file.endsWith('.hcl')) continue;
    const gen = f.json.generate;
    if (typeof gen !== 'object' || gen === null) continue;
    for (const [label, bodies] of Object.entries(gen)) {
      for (const body of (Array.isArray(bodies) ? bodies : [bodies]) as Record<string, unknown>[]) {
        const contents = body.contents;
        // A contents that is one expression (file(), a local) is not known here: not checked.
        if (typeof contents !== 'string' || /^\$\{[^\n]*\}$/.test(contents.trim())) continue;
        const name = `${f.file}#generate.${label}`;
        try {
          const json = await parser.parse(name, contents);
          out.set(f.file, [...(out.get(f.file) ?? []), { file: name, source: contents, json }]);
        } catch {
          // Terraform would refuse it at init; the provider check then has nothing from it.
        }
      }
    }
  }
  return out;
}
