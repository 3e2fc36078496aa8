/**
 * Pinned upstream modules and their vendored interfaces. A unit's `tfr://` `terraform.source` and a
 * local module's registry `module` call pin a module version; `infra-ci vendor-modules` copies that
 * version's `variables.tf`, `outputs.tf` and `versions.tf` into
 * `<root>/vendor/modules/<namespace>/<name>/<provider>/<version>/` so `validate` checks inputs,
 * dependency outputs and provider bounds offline. Pure functions.
 */
import type { UnitConfig } from '../terragrunt/evaluate.js';
import { isRegistrySource, type ParsedFile } from './checks.js';

/** A registry module at an exact version, and where it is pinned. */
export interface Pin {
  /** `namespace/name/provider` (the public registry; a host prefix is refused by `pinOf`). */
  address: string;
  version: string;
  at: { file: string; line: number };
}

/** The files copied per pinned module. */
export const VENDORED_FILES = ['variables.tf', 'outputs.tf', 'versions.tf'] as const;
/** The folder, under the validated root (`infra`), holding the vendored interfaces. */
export const VENDOR_DIR = 'vendor/modules';
/** What to run when a vendored interface is missing (docs/upstream-modules.md). */
export const REFRESH = 'npm run vendor-modules -w tools/infra-ci';

const EXACT = /^=?\s*(\d+\.\d+\.\d+)$/;

/**
 * The registry pin of a `terraform.source`: `tfr:///ns/name/provider?version=X.Y.Z` (or
 * `tfr://registry.terraform.io/...`). Undefined for any other source (local, git: not vendored).
 */
export function tfrPin(source: string): { address: string; version: string } | undefined {
  const m = /^tfr:\/\/(?:registry\.terraform\.io)?\/([^?/]+\/[^?/]+\/[^?/]+)\?(.*)$/.exec(source);
  const version = m?.[2] === undefined ? undefined : /(?:^|&)version=([^&]+)/.exec(m[2])?.[1];
  if (m?.[1] === undefined || version === undefined || !EXACT.test(version)) return undefined;
  return { address: m[1], version };
}

/** Folder (repository-relative) of a pin's vendored files, under `root`. Pure. */
export function vendorDirOf(root: string, p: { address: string; version: string }): string {
  return `${root === '' ? '' : `${root}/`}${VENDOR_DIR}/${p.address}/${p.version}`;
}

/**
 * Every registry module pinned in the tree: units' `tfr://` sources and the registry `module`
 * calls (exact `version`) of the local modules the units run. Distinct by address and version,
 * sorted; `at` is the first place found.
 */
export function pinsOf(units: UnitConfig[], moduleFiles: Iterable<ParsedFile>): Pin[] {
  const out = new Map<string, Pin>();
  const add = (p: Pin) => {
    const k = `${p.address}@${p.version}`;
    if (!out.has(k)) out.set(k, p);
  };
  for (const u of units) {
    const p = u.source === undefined ? undefined : tfrPin(u.source.value);
    if (p !== undefined && u.source !== undefined) add({ ...p, at: u.source.at });
  }
  for (const f of moduleFiles) for (const c of registryCalls(f)) add(c);
  return [...out.values()].sort((a, b) =>
    `${a.address}@${a.version}`.localeCompare(`${b.address}@${b.version}`),
  );
}

/** `pinsOf` over a parsed tree: the module files are those directly in the units' local module folders. */
export function pinsOfTree(units: UnitConfig[], parsed: Iterable<ParsedFile>): Pin[] {
  const moduleDirs = new Set(units.flatMap((u) => u.moduleDir ?? []));
  const files = [...parsed].filter((f) => moduleDirs.has(f.file.slice(0, f.file.lastIndexOf('/'))));
  return pinsOf(units, files);
}

/** Registry `module` calls of one parsed .tf file with an exact version (others: checkVersionPins). */
export function registryCalls(f: ParsedFile): Pin[] {
  const mod = f.json.module;
  if (typeof mod !== 'object' || mod === null) return [];
  const out: Pin[] = [];
  for (const [label, bodies] of Object.entries(mod)) {
    for (const body of (Array.isArray(bodies) ? bodies : [bodies]) as Record<string, unknown>[]) {
      const { source, version } = body;
      if (typeof source !== 'string' || !isRegistrySource(source)) continue;
      if (source.split('/').length !== 3) continue; // a private host: not fetched from GitHub
      const v = typeof version === 'string' ? EXACT.exec(version.trim())?.[1] : undefined;
      if (v === undefined) continue;
      const line = lineOf(f.source, new RegExp(`^\\s*module\\s+"${label}"`, 'm'));
      out.push({ address: source, version: v, at: { file: f.file, line } });
    }
  }
  return out;
}

function lineOf(source: string, re: RegExp): number {
  const m = re.exec(source);
  return m ? source.slice(0, m.index).split('\n').length : 1;
}

/**
 * The git repository of a registry module: the public registry's convention
 * `github.com/<namespace>/terraform-<provider>-<name>` (how terraform-aws-modules publishes), as
 * `template` with `{namespace}`, `{name}`, `{provider}` replaced. Pure.
 */
export function gitUrlOf(address: string, template: string): string {
  const [namespace = '', name = '', provider = ''] = address.split('/');
  return template
    .replaceAll('{namespace}', namespace)
    .replaceAll('{name}', name)
    .replaceAll('{provider}', provider);
}

export const DEFAULT_GIT_URL = 'https://github.com/{namespace}/terraform-{provider}-{name}.git';

/** Tags tried for a version, in order: `vX.Y.Z` (terraform-aws-modules), then `X.Y.Z`. Pure. */
export function tagsOf(version: string): string[] {
  return [`v${version}`, version];
}

/**
 * Vendored folders under `<root>/vendor/modules` no pin names any more (to delete on refresh).
 * @param present the repository-relative paths of the files under the vendor folder
 */
export function stalePins(root: string, pins: readonly Pin[], present: Iterable<string>): string[] {
  const keep = new Set(pins.map((p) => vendorDirOf(root, p)));
  const dirs = new Set<string>();
  const prefix = `${root === '' ? '' : `${root}/`}${VENDOR_DIR}/`;
  for (const f of present) {
    if (!f.startsWith(prefix)) continue;
    const parts = f.slice(prefix.length).split('/');
    if (parts.length < 5) continue; // ns/name/provider/version/file
    dirs.add(`${prefix}${parts.slice(0, 4).join('/')}`);
  }
  return [...dirs].filter((d) => !keep.has(d)).sort();
}
