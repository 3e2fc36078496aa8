/**
 * The var files of `terraform { extra_arguments "x" { … } }`: Terraform reads each
 * `required_var_files` entry, each `optional_var_files` entry that exists (Terragrunt checks with
 * util.FileExists: pkg/config/config.go TerraformExtraArguments.GetVarFiles), and each
 * `-var-file=` in `arguments`. Terraform runs in Terragrunt's working folder, into which
 * Terragrunt copies the unit's folder: a relative path is the unit's own file; one leaving it
 * (`../x.tfvars`) points into the cache, which infra-ci does not model (a reason).
 */
import type { Value } from '../hcl/value.js';
import type { Trace } from './functions.js';

export interface VarFileValues {
  required: Value | undefined;
  optional: Value | undefined;
  arguments: Value | undefined;
}

export interface VarFileEnv {
  unitDir: string;
  files: ReadonlySet<string>;
  /** Repository-relative form of a path (absolute, or relative to the unit's folder). */
  rel: (p: string) => string;
}

/** Record what the var files of one extra_arguments block read (or why it is unknown). */
export function varFileReads(v: VarFileValues, env: VarFileEnv, trace: Trace, where: string): void {
  const entries = (value: Value | undefined, what: string): (string | undefined)[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      trace.unknowns.add(`${where}: ${what} is not known statically`);
      return [];
    }
    return value.map((x) => {
      if (typeof x === 'string') return x;
      trace.unknowns.add(`${where}: a ${what} entry is not known statically`);
      return undefined;
    });
  };
  const resolve = (p: string): string | undefined => {
    if (!p.startsWith('/') && (p === '..' || p.startsWith('../'))) {
      trace.unknowns.add(
        `${where}: var file "${p}" is relative to Terraform's working folder (.terragrunt-cache), which infra-ci does not model; use "\${get_terragrunt_dir()}/…"`,
      );
      return undefined;
    }
    return env.rel(p);
  };
  const required = entries(v.required, 'required_var_files');
  const args = entries(v.arguments, 'arguments');
  for (const a of args) {
    const m = a === undefined ? null : /^-var-file=(.+)$/.exec(a);
    if (m?.[1]) required.push(m[1]);
  }
  for (const p of required) {
    const r = p === undefined ? undefined : resolve(p);
    if (r !== undefined) trace.reads.add(r);
  }
  for (const p of entries(v.optional, 'optional_var_files')) {
    const r = p === undefined ? undefined : resolve(p);
    if (r === undefined) continue;
    trace.probes.add(r);
    if (env.files.has(r)) trace.reads.add(r);
  }
}
