/**
 * The plan bundle carried from the PR to the merge (the `infra-plans-<headSha>` artifact):
 *   DIR/manifest.json          (version 1, validated with zod when read)
 *   DIR/units/<slug>.tfplan    (slug = unit id with '/' -> '__')
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { attributeDiff } from './comment-diff.js';

const sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a full git object id');

export const ResourceChangeSchema = z.object({
  address: z.string().min(1),
  actions: z.array(z.string()).min(1),
  /** Changed attributes, sensitive values masked (plan/comment-diff.ts); absent when none. */
  attrs: z
    .array(
      z.object({ path: z.string(), before: z.string().optional(), after: z.string().optional() }),
    )
    .optional(),
  /** Attribute changes left out of `attrs` (too many). */
  omitted: z.number().int().positive().optional(),
  /** sha256 of all attribute changes with whole values (masked): compared at merge. */
  attrsDigest: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export const ChangesSchema = z.object({
  add: z.number().int().nonnegative(),
  change: z.number().int().nonnegative(),
  destroy: z.number().int().nonnegative(),
  resources: z.array(ResourceChangeSchema),
});

export const UnitPlanSchema = z.object({
  kind: z.enum(['apply', 'destroy']),
  /** 1-based wave number within applyWaves (kind apply) or destroyWaves (kind destroy). */
  wave: z.number().int().positive(),
  file: z.string().regex(/^units\/[A-Za-z0-9._-]+\.tfplan$/, 'units/<slug>.tfplan'),
  /** Absent exactly when `deferred` (no plan file was made). */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a hex sha256')
    .optional(),
  /** Direct dependencies also changed in the PR: this plan used stale/mock outputs. */
  upstreamChanged: z.array(z.string()),
  changes: ChangesSchema,
  /**
   * Set when an `exclude` block leaves this unit out of its action (apply for kind apply, destroy
   * for kind destroy): planned for review, never applied by infra-ci; `by` is the unit whose block
   * excludes it (itself, or a dependent with exclude_dependencies = true).
   */
  excluded: z.object({ by: z.string() }).optional(),
  /**
   * Planned after these upstreams apply (plan/deferred.ts): no plan file, no changes; every one
   * is in `upstreamChanged`, so the merge re-plans the unit and stops for review.
   */
  deferred: z.object({ upstreams: z.array(z.string()).min(1) }).optional(),
});

export const ManifestSchema = z
  .object({
    version: z.literal(1),
    pr: z.number().int().positive().optional(),
    headSha: sha,
    baseSha: sha,
    mergeBase: sha,
    /** `git rev-parse <headSha>:<tree>` — the infra tree the plans were made from. */
    infraTree: sha,
    terraformVersion: z.string().min(1),
    terragruntVersion: z.string().min(1),
    createdAt: z.string(),
    applyWaves: z.array(z.array(z.string())),
    destroyWaves: z.array(z.array(z.string())),
    moved: z.array(z.object({ from: z.string(), to: z.string() })),
    units: z.record(z.string(), UnitPlanSchema),
  })
  .superRefine((m, ctx) => {
    const check = (waves: string[][], kind: 'apply' | 'destroy') => {
      waves.forEach((w, i) => {
        for (const u of w) {
          const e = m.units[u];
          if (e?.kind !== kind || e.wave !== i + 1) {
            ctx.addIssue({
              code: 'custom',
              path: ['units', u],
              message: `${kind} wave ${i + 1} lists ${u}, which needs a units entry of kind ${kind}, wave ${i + 1}`,
            });
          }
        }
      });
    };
    for (const [u, e] of Object.entries(m.units)) {
      const problem = deferredProblem(e);
      if (problem !== undefined)
        ctx.addIssue({ code: 'custom', path: ['units', u], message: problem });
    }
    check(m.applyWaves, 'apply');
    check(m.destroyWaves, 'destroy');
    const listed = new Set([...m.applyWaves.flat(), ...m.destroyWaves.flat()]);
    for (const u of Object.keys(m.units)) {
      if (!listed.has(u))
        ctx.addIssue({ code: 'custom', path: ['units', u], message: 'in no wave' });
    }
  });

/** Why a unit entry's `deferred`/`sha256` do not agree, if they do not. Pure. */
function deferredProblem(e: z.infer<typeof UnitPlanSchema>): string | undefined {
  if (e.deferred === undefined) return e.sha256 === undefined ? 'sha256 is required' : undefined;
  if (e.kind !== 'apply') return 'only an apply unit can be deferred';
  if (e.sha256 !== undefined || e.changes.resources.length > 0) {
    return 'a deferred unit has no plan file and no changes';
  }
  const missing = e.deferred.upstreams.filter((u) => !e.upstreamChanged.includes(u));
  return missing.length > 0
    ? `deferred after ${missing.join(', ')}, which is not in upstreamChanged (the merge would not re-plan it)`
    : undefined;
}

export type ResourceChange = z.infer<typeof ResourceChangeSchema>;
export type Changes = z.infer<typeof ChangesSchema>;
export type UnitPlan = z.infer<typeof UnitPlanSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

export const MANIFEST = 'manifest.json';

/** `infra/environments/prod/eu-central-1/vpc` -> `infra__environments__prod__eu-central-1__vpc`. */
export const slug = (unit: string): string => unit.replaceAll('/', '__');

/** Bundle-relative plan file of a unit. */
export const planFileOf = (unit: string): string => `units/${slug(unit)}.tfplan`;

/** Artifact name of the plans made for a PR head. */
export const artifactName = (headSha: string): string => `infra-plans-${headSha}`;

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
}

/** Result of reading a bundle: the manifest, or why it is not a usable bundle. */
export type ReadResult = { ok: true; manifest: Manifest } | { ok: false; problem: string };

/** Read and validate DIR/manifest.json. Never throws for a bad bundle: the caller refuses. */
export async function readManifest(dir: string): Promise<ReadResult> {
  const file = path.join(dir, MANIFEST);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { ok: false, problem: `${file} is missing` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `${file} is not JSON (${(e as Error).message})` };
  }
  const r = ManifestSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, problem: `${file} is not a version-1 plan manifest: ${first}` };
  }
  return { ok: true, manifest: r.data };
}

export interface ChecksumMismatch {
  unit: string;
  file: string;
  expected: string;
  /** undefined when the file is missing. */
  actual: string | undefined;
}

/** Every plan file whose sha256 differs from the manifest's (or that is missing). */
export async function verifyChecksums(dir: string, m: Manifest): Promise<ChecksumMismatch[]> {
  const out: ChecksumMismatch[] = [];
  for (const [unit, e] of Object.entries(m.units).sort(([a], [b]) => a.localeCompare(b))) {
    if (e.deferred !== undefined) continue; // no plan file: re-planned at merge
    const actual = await sha256File(path.join(dir, e.file)).catch(() => undefined);
    if (actual !== e.sha256) out.push({ unit, file: e.file, expected: e.sha256 ?? '', actual });
  }
  return out;
}

const IGNORED = new Set(['no-op', 'read']);

/**
 * Resource changes of a plan from terraform's JSON plan (`show -json`): no-op and read excluded,
 * sorted by address; a replace (delete+create) counts as one add and one destroy. Pure.
 */
export function changesFromPlanJson(json: unknown): Changes {
  const rc = (json as { resource_changes?: unknown } | null)?.resource_changes;
  const resources: ResourceChange[] = [];
  if (Array.isArray(rc)) {
    for (const r of rc as { address?: unknown; change?: { actions?: unknown } }[]) {
      const actions = Array.isArray(r?.change?.actions)
        ? (r.change.actions as unknown[]).filter((a): a is string => typeof a === 'string')
        : [];
      if (typeof r?.address !== 'string' || actions.length === 0) continue;
      if (actions.every((a) => IGNORED.has(a))) continue;
      const { attrs, omitted, digest } = attributeDiff(r.change);
      resources.push({
        address: r.address,
        actions,
        ...(attrs.length > 0 ? { attrs } : {}),
        ...(omitted > 0 ? { omitted } : {}),
        ...(digest === '' ? {} : { attrsDigest: digest }),
      });
    }
  }
  resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const count = (a: string) => resources.filter((r) => r.actions.includes(a)).length;
  return { add: count('create'), change: count('update'), destroy: count('delete'), resources };
}

/**
 * Same resource changes (address + actions), whatever the order; with `attributes`, also the same
 * changed attributes (`attrs`, `omitted`, `attrsDigest`: absent = none). Pure.
 */
export function sameResources(
  a: readonly ResourceChange[],
  b: readonly ResourceChange[],
  attributes = false,
): boolean {
  const key = (rs: readonly ResourceChange[]) =>
    rs
      .map((r) =>
        JSON.stringify([
          r.address,
          r.actions,
          ...(attributes ? [r.attrs ?? [], r.omitted ?? 0, r.attrsDigest ?? ''] : []),
        ]),
      )
      .sort();
  const ka = key(a);
  const kb = key(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}
