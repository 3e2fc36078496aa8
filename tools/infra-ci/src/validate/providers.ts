/**
 * Provider bounds: every provider a unit's configuration constrains (its module's or the vendored
 * pinned module's `versions.tf`, the pinned modules its local module calls, and `required_providers`
 * in the files Terragrunt generates) needs an upper bound somewhere — Terraform intersects all
 * constraints of a provider, so one bound is enough — or the unit needs a committed
 * `.terraform.lock.hcl`. Without either, `init` takes the newest major (terraform-aws-eks 20.35.0
 * declares `aws >= 5.83`, and AWS provider 6.x removed what it uses). Pure functions.
 */
import type { UnitConfig } from '../terragrunt/evaluate.js';
import { type Finding, type ParsedFile, requiredProviders } from './checks.js';

/** One provider constraint and where it comes from (for messages). */
export interface Constraint {
  provider: string;
  version: string;
  origin: string;
}

/**
 * Whether a version constraint string bounds the provider from above: an exact version, `<`/`<=`,
 * or `~>` with at least two components (`~> 5.83` means `< 6.0`; `~> 5` allows every later major,
 * since only the right-most component may grow). Pure.
 */
export function hasUpperBound(constraint: string): boolean {
  return constraint.split(',').some((part) => {
    const c = part.trim();
    return (
      /^<=?\s*v?\d/.test(c) ||
      /^~>\s*v?\d+\.\d+/.test(c) ||
      /^=?\s*v?\d+\.\d+\.\d+(-[\w.]+)?$/.test(c)
    );
  });
}

/** `required_providers` constraints of parsed Terraform files, `origin` naming them. Pure. */
export function constraintsIn(files: readonly ParsedFile[], origin: string): Constraint[] {
  return files.flatMap((f) =>
    requiredProviders(f).map(({ name, version }) => ({
      provider: name,
      version: typeof version === 'string' ? version : '',
      origin,
    })),
  );
}

/**
 * Findings of one unit: each constrained provider without an upper bound in any constraint,
 * unless `<unit>/.terraform.lock.hcl` is in `files` (repository-relative paths of the tree).
 */
export function checkProviderBounds(
  unit: UnitConfig,
  constraints: readonly Constraint[],
  files: ReadonlySet<string>,
): Finding[] {
  const dir = unit.id === '' ? '' : `${unit.id}/`;
  if (unit.source === undefined || files.has(`${dir}.terraform.lock.hcl`)) return [];
  const byProvider = new Map<string, Constraint[]>();
  for (const c of constraints)
    byProvider.set(c.provider, [...(byProvider.get(c.provider) ?? []), c]);
  const out: Finding[] = [];
  for (const [provider, cs] of [...byProvider].sort(([a], [b]) => a.localeCompare(b))) {
    if (cs.some((c) => hasUpperBound(c.version))) continue;
    const seen = cs
      .map((c) => `${JSON.stringify(c.version || '(none)')} in ${c.origin}`)
      .join('; ');
    out.push({
      ...unit.source.at,
      message: `unit ${unit.id}: provider "${provider}" has no upper version bound (${seen}) and no committed ${dir}.terraform.lock.hcl: \`init\` would take its newest major; expected an upper bound such as "~> X.Y" or "< N.0.0" in a generated required_providers block, or the lock file`,
    });
  }
  return out;
}
