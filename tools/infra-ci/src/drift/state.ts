/**
 * A unit's drift state from its plan: terraform's detailed exit code (0 no changes, 2 changes)
 * cross-checked with the JSON plan (`terraform show -json`). Pure.
 *
 * What counts as drift: what the plan would change — `resource_changes` whose actions are not
 * `no-op`/`read`, and `output_changes` likewise (listed as `output.<name>`). `resource_drift`
 * entries that need no action (e.g. attributes under `ignore_changes`, such as the Global
 * Accelerator dials the failover controller pins) are not drift here: the plan leaves them alone.
 *
 * Never a silent "in sync": a document that is not a JSON plan, or exit code 2 with nothing in
 * the JSON, is an error; exit code 0 with changes in the JSON is drift (the JSON wins; some
 * terragrunt releases lost code 2: gruntwork-io/terragrunt#4292, #5586).
 */
import { changesFromPlanJson, type ResourceChange } from '../plan/bundle.js';
import { type DriftIgnore, isIgnored } from './config.js';

export type DriftState = 'in-sync' | 'drifted' | 'error';

/** One unit's result. Unit ids are folder paths relative to the repository root. */
export interface UnitDrift {
  unit: string;
  state: DriftState;
  /** What drifted (ignored ones excluded), sorted by address. Empty unless `drifted`. */
  resources: ResourceChange[];
  /** Changes matched by the unit's `infra_ci_drift.ignore`, sorted by address. */
  ignored: ResourceChange[];
  /** `infra_ci_drift.reason` when the unit has one. */
  ignoreReason?: string;
  /** Why the state is `error` (the failing command, its exit code and stderr tail). */
  error?: string;
  /** A warning worth reading (e.g. the exit code disagreed with the JSON plan). */
  note?: string;
}

const NO_ACTION = new Set(['no-op', 'read']);

/** `output_changes` of a JSON plan as `output.<name>` entries (no-op ones dropped). */
function outputChanges(plan: Record<string, unknown>): ResourceChange[] {
  const oc = plan.output_changes;
  if (typeof oc !== 'object' || oc === null) return [];
  const out: ResourceChange[] = [];
  for (const [name, v] of Object.entries(oc as Record<string, unknown>)) {
    const raw = (v as { actions?: unknown } | null)?.actions;
    const actions = Array.isArray(raw) ? raw.filter((a): a is string => typeof a === 'string') : [];
    if (actions.length > 0 && !actions.every((a) => NO_ACTION.has(a))) {
      out.push({ address: `output.${name}`, actions });
    }
  }
  return out;
}

const byAddress = (a: ResourceChange, b: ResourceChange): number =>
  a.address < b.address ? -1 : a.address > b.address ? 1 : 0;

/**
 * @param unit unit id (folder path relative to the repository root)
 * @param exitCode the plan's detailed exit code
 * @param plan the parsed `show -json` document
 */
export function classifyPlan(
  unit: string,
  exitCode: 0 | 2,
  plan: unknown,
  ignore?: DriftIgnore,
): UnitDrift {
  const reason = ignore === undefined ? {} : { ignoreReason: ignore.reason };
  const failed = (error: string): UnitDrift => ({
    unit,
    state: 'error',
    resources: [],
    ignored: [],
    ...reason,
    error,
  });
  if (
    typeof plan !== 'object' ||
    plan === null ||
    typeof (plan as { format_version?: unknown }).format_version !== 'string'
  ) {
    return failed(
      `${unit}: \`terragrunt show -json\` did not return a JSON plan (no format_version)`,
    );
  }
  const all = [
    ...changesFromPlanJson(plan).resources,
    ...outputChanges(plan as Record<string, unknown>),
  ].sort(byAddress);
  if (exitCode === 2 && all.length === 0) {
    return failed(
      `${unit}: plan exited 2 (changes) but its JSON plan lists no resource or output change: cannot tell drift from a tool fault`,
    );
  }
  const patterns = ignore?.ignore ?? [];
  const ignored = all.filter((r) => isIgnored(patterns, r.address));
  const resources = all.filter((r) => !isIgnored(patterns, r.address));
  const note =
    exitCode === 0 && all.length > 0
      ? {
          note: 'plan exited 0 (no changes) but its JSON plan lists changes: the JSON plan was used',
        }
      : {};
  return {
    unit,
    state: resources.length > 0 ? 'drifted' : 'in-sync',
    resources,
    ignored,
    ...reason,
    ...note,
  };
}

/** A unit whose plan could not be made or read. */
export function errorState(unit: string, error: string, ignore?: DriftIgnore): UnitDrift {
  return {
    unit,
    state: 'error',
    resources: [],
    ignored: [],
    ...(ignore === undefined ? {} : { ignoreReason: ignore.reason }),
    error,
  };
}
