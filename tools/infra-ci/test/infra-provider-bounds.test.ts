// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HCL `${...}` templates are the test data.
/**
 * Issue #20: "The EKS units break under AWS provider 6.x". The real tree's units must not let
 * `terraform init` pick a provider major nobody tested: every provider a unit's module tree
 * requires has, in the unit's root module, a constraint with an upper major bound. Registry
 * modules' own constraints have none (terraform-aws-eks@v20.35.0:versions.tf `aws >= 5.83`), so
 * the bound comes from the Terragrunt-generated `*_override.tf` files (root.hcl, _common/eks.hcl)
 * or, for local modules, from their own versions.tf. Decision and sources: infra/docs/versions.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type HclJson, HclParser } from '../src/hcl/parse.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const ENV = 'infra/environments';
const read = (f: string): string => readFileSync(join(repo, f), 'utf8');
const parser = new HclParser();
const parse = (f: string, text = read(f)): Promise<HclJson> => parser.parse(f, text);

/**
 * What each pinned registry module's tree requires (root, the submodules it calls, nested
 * registry modules), read from the upstream files at the pinned tag. A new pin must be added here
 * after reading its versions.tf files: the test fails on a pin it does not know.
 *   terraform-aws-eks@v20.35.0: versions.tf (aws >= 5.83, tls >= 3.0, time >= 0.9),
 *     modules/eks-managed-node-group/versions.tf (aws >= 5.83),
 *     modules/_user_data/versions.tf (cloudinit >= 2.0, null >= 3.0),
 *     main.tf module "kms" = terraform-aws-kms@v2.1.0: versions.tf (aws >= 4.33)
 *   terraform-aws-vpc@v5.21.0: versions.tf, modules/vpc-endpoints/versions.tf (aws >= 5.79)
 *   terraform-aws-ecr@v2.4.0: versions.tf (aws >= 5.93)
 */
const UPSTREAM: Record<string, Record<string, string[]>> = {
  'eks@20.35.0': {
    aws: ['>= 5.83', '>= 4.33'],
    tls: ['>= 3.0'],
    time: ['>= 0.9'],
    cloudinit: ['>= 2.0'],
    null: ['>= 3.0'],
  },
  'vpc@5.21.0': { aws: ['>= 5.79'] },
  'ecr@2.4.0': { aws: ['>= 5.93'] },
};

type Version = [number, number, number];
const version = (s: string): Version => {
  const [a = 0, b = 0, c = 0] = s.split('.').map(Number);
  return [a, b, c];
};
const cmp = (x: Version, y: Version): number => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
const clauses = (c: string): { op: string; v: Version; parts: number }[] =>
  c.split(',').map((raw) => {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(raw);
    if (!m) throw new Error(`not a version constraint: "${c}"`);
    return {
      op: m[1] ?? '=',
      v: version(m[2] as string),
      parts: (m[2] as string).split('.').length,
    };
  });

/** True when `c` admits no version of a higher major than its lowest one (Terraform syntax). */
function hasUpperMajorBound(c: string): boolean {
  // `~> X.Y` admits < X+1 and `~> X.Y.Z` admits < X.Y+1; `~> X` alone has no upper bound.
  return clauses(c).some(
    ({ op, parts }) => op === '=' || op === '<' || op === '<=' || (op === '~>' && parts >= 2),
  );
}

/** Whether version `v` satisfies constraint `c`. */
function satisfies(v: Version, c: string): boolean {
  return clauses(c).every(({ op, v: w, parts }) => {
    const d = cmp(v, w);
    if (op === '=') return d === 0;
    if (op === '!=') return d !== 0;
    if (op === '>=') return d >= 0;
    if (op === '>') return d > 0;
    if (op === '<=') return d <= 0;
    if (op === '<') return d < 0;
    // ~> X.Y: >= X.Y, < X+1 ; ~> X.Y.Z: >= X.Y.Z, < X.Y+1
    const top: Version = parts === 3 ? [w[0], w[1] + 1, 0] : [w[0] + 1, 0, 0];
    return d >= 0 && cmp(v, top) < 0;
  });
}

/** The lowest version a constraint admits (the lower bound of its clauses). */
const lowest = (c: string): Version =>
  clauses(c)
    .filter(({ op }) => ['=', '>=', '~>'].includes(op))
    .map(({ v }) => v)
    .sort(cmp)
    .at(-1) ?? [0, 0, 0];

type Blocks = Record<string, Record<string, unknown>[]>;
const blocks = (j: HclJson, type: string): Blocks => (j[type] ?? {}) as Blocks;

/** `required_providers` of a parsed file: provider name -> version constraint. */
function requiredProviders(j: HclJson): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of (j.terraform ?? []) as Record<string, unknown>[]) {
    for (const rp of (t.required_providers ?? []) as Record<string, { version?: string }>[]) {
      for (const [name, p] of Object.entries(rp)) if (p.version) out[name] = p.version;
    }
  }
  return out;
}

interface UnitFacts {
  id: string;
  source: string;
  /** Provider constraints of generated `*_override.tf` files (they replace the module's own). */
  generated: Record<string, string>;
  /** Paths of generated files that hold required_providers. */
  generatedPaths: string[];
}

/** The unit's own file plus the files it includes (root.hcl, _common/*.hcl). */
async function unitFacts(id: string): Promise<UnitFacts> {
  const own = await parse(`${id}/terragrunt.hcl`);
  const files = [`${ENV}/root.hcl`];
  for (const [inc] of Object.values(blocks(own, 'include'))) {
    const m = /\/_common\/([\w-]+)\.hcl$/.exec(String(inc?.path));
    if (m) files.push(`${ENV}/_common/${m[1]}.hcl`);
  }
  const parsed = [own, ...(await Promise.all(files.map((f) => parse(f))))];
  let source = '';
  const generated: Record<string, string> = {};
  const generatedPaths: string[] = [];
  for (const j of parsed) {
    for (const t of (j.terraform ?? []) as { source?: string }[]) source = t.source ?? source;
    for (const [name, [g]] of Object.entries(blocks(j, 'generate'))) {
      const contents = String(g?.contents ?? '');
      if (!contents.includes('required_providers')) continue;
      generatedPaths.push(String(g?.path));
      Object.assign(generated, requiredProviders(await parse(`${name}.generated.tf`, contents)));
    }
  }
  return { id, source, generated, generatedPaths };
}

/** Providers a unit's module tree requires: name -> every constraint found in the tree. */
function moduleRequirements(source: string): Record<string, string[]> {
  const reg = /^tfr:\/\/\/terraform-aws-modules\/([\w-]+)\/aws\?version=(.+)$/.exec(source);
  if (reg) {
    const key = `${reg[1]}@${reg[2]}`;
    const known = UPSTREAM[key];
    if (!known) throw new Error(`read the upstream versions.tf files of ${key} and add them`);
    return known;
  }
  const local = /\/\.\.\/modules\/([\w-]+)$/.exec(source);
  if (!local) throw new Error(`unknown module source ${source}`);
  return Object.fromEntries(
    Object.entries(localRequirements(local[1] as string)).map(([k, v]) => [k, [v]]),
  );
}

const localCache = new Map<string, Record<string, string>>();
function localRequirements(module: string): Record<string, string> {
  const hit = localCache.get(module);
  if (!hit) throw new Error(`versions.tf of modules/${module} not loaded`);
  return hit;
}
async function loadLocal(module: string): Promise<void> {
  localCache.set(module, requiredProviders(await parse(`infra/modules/${module}/versions.tf`)));
}

const unitIds = (): string[] =>
  readdirSync(join(repo, ENV), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === 'terragrunt.hcl')
    .map((e) => join(e.parentPath, '').slice(repo.length).replace(/\/$/, ''))
    .sort();

describe('constraint helpers', () => {
  it('an upper major bound: exact pins, ~> X.Y, < N; not >= alone', () => {
    expect(
      ['5.100.0', '= 5.100.0', '~> 4.0', '>= 5.95, < 6.0.0', '~> 0.9.1'].map(hasUpperMajorBound),
    ).toEqual([true, true, true, true, true]);
    expect(['>= 5.83', '> 3.0', '!= 6.0.0', '~> 5'].map(hasUpperMajorBound)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(satisfies([5, 100, 0], '>= 5.83')).toBe(true);
    expect(satisfies([6, 0, 0], '>= 5.95, < 6.0.0')).toBe(false);
    expect(satisfies([4, 9, 0], '~> 4.0')).toBe(true);
    expect(satisfies([5, 0, 0], '~> 4.0')).toBe(false);
    expect(lowest('>= 5.95, < 6.0.0')).toEqual([5, 95, 0]);
  });
});

describe('the real tree: provider constraints and module pins (issue #20)', async () => {
  const units = await Promise.all(unitIds().map(unitFacts));
  const locals = new Set(units.map((u) => /\/\.\.\/modules\/([\w-]+)$/.exec(u.source)?.[1]));
  await Promise.all([...locals].filter((m): m is string => m !== undefined).map(loadLocal));

  it('finds every unit and its module', () => {
    expect(units.length).toBeGreaterThanOrEqual(13);
    for (const u of units) expect(u.source, u.id).not.toBe('');
  });

  it('registry modules are pinned to one exact version', () => {
    for (const u of units.filter((x) => x.source.startsWith('tfr://'))) {
      expect(u.source, u.id).toMatch(/\?version=\d+\.\d+\.\d+$/);
    }
  });

  it('generated provider constraints live in *_override.tf files (a second required_providers is an error)', () => {
    // Terraform: "A module may have only one required providers configuration" outside override
    // files; an override's required_providers replaces the module's entries provider by provider
    // (developer.hashicorp.com/terraform/language/files/override, "Merging terraform blocks").
    for (const u of units)
      for (const p of u.generatedPaths) expect(p, u.id).toMatch(/_override\.tf$/);
  });

  it('every provider a unit requires has an upper major bound in the unit root module', () => {
    const unbounded: string[] = [];
    for (const u of units) {
      const needs = moduleRequirements(u.source);
      for (const [provider, moduleConstraints] of Object.entries(needs)) {
        // The root module's constraint: the generated override replaces the module's own.
        const root = u.generated[provider] ?? moduleConstraints[0] ?? '';
        if (!hasUpperMajorBound(root)) unbounded.push(`${u.id}: ${provider} "${root}"`);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('the bounded versions still satisfy what every module of the tree requires', () => {
    for (const u of units) {
      for (const [provider, moduleConstraints] of Object.entries(moduleRequirements(u.source))) {
        const ours = u.generated[provider];
        if (ours === undefined) continue;
        for (const theirs of moduleConstraints) {
          expect(satisfies(lowest(ours), theirs), `${u.id}: ${provider} ${ours} vs ${theirs}`).toBe(
            true,
          );
        }
      }
    }
  });

  it('one AWS provider version in every unit: the one the local modules pin and test', () => {
    const localAws = new Set([...localCache.values()].map((r) => r.aws));
    expect(localAws.size).toBe(1);
    const [tested] = [...localAws];
    for (const u of units) {
      const aws = u.generated.aws ?? moduleRequirements(u.source).aws?.[0];
      expect(aws, u.id).toBe(tested);
    }
  });
});
