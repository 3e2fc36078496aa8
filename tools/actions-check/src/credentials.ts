/**
 * Where the GitHub token can reach, workflow steps and the steps of the local composite actions
 * they use alike. A local action (`uses: ./.github/actions/<name>`) is expanded into its own steps
 * with its inputs replaced by what the caller passes (or the input's default), so a token handed
 * to a composite counts wherever the composite puts it. Pure: the caller reads the files.
 */

export interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, unknown>>;
}

export interface CompositeAction {
  readonly inputs?: Readonly<Record<string, { readonly default?: unknown } | null>>;
  readonly runs?: { readonly using?: string; readonly steps?: readonly Step[] };
}

/** A step as it runs: `where` names the job and each composite it is nested in. */
export interface RunStep {
  readonly where: string;
  readonly step: Step;
}

/**
 * A push-capable token in a value: `${{ github.token }}`, `${{ secrets.GITHUB_TOKEN }}`, or a
 * token minted by an earlier step (`${{ steps.<id>.outputs.token }}`, e.g. the pin App's).
 */
export const TOKEN =
  /\$\{\{\s*(github\.token|secrets\.GITHUB_TOKEN|steps\.[\w-]+\.outputs\.token)\s*\}\}/;

const INPUT_REF = /\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g;
const MAX_DEPTH = 5;

/** The key under which a local `uses:` finds its action: `./.github/actions/x/` → `.github/actions/x`. */
export const localActionKey = (uses: string): string =>
  uses.replace(/^\.\//, '').replace(/\/(action\.ya?ml)?$/, '');

export const holdsToken = (env: Readonly<Record<string, unknown>> | undefined): boolean =>
  Object.values(env ?? {}).some((v) => TOKEN.test(String(v)));

/** The token reaches the step's processes: in its env, or written into its script. */
export const exposesToken = (step: Step): boolean =>
  holdsToken(step.env) || TOKEN.test(step.run ?? '');

function substitute(value: unknown, inputs: Readonly<Record<string, string>>): unknown {
  return typeof value === 'string'
    ? value.replace(INPUT_REF, (_m, k: string) => inputs[k] ?? '')
    : value;
}

function substituteAll(
  record: Readonly<Record<string, unknown>> | undefined,
  inputs: Readonly<Record<string, string>>,
): Record<string, unknown> | undefined {
  if (record === undefined) return undefined;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, substitute(v, inputs)]));
}

function resolveStep(step: Step, inputs: Readonly<Record<string, string>>): Step {
  const run = step.run === undefined ? undefined : String(substitute(step.run, inputs));
  return {
    ...step,
    ...(run === undefined ? {} : { run }),
    ...(step.with === undefined ? {} : { with: substituteAll(step.with, inputs) }),
    ...(step.env === undefined ? {} : { env: substituteAll(step.env, inputs) }),
  };
}

/** What each input of a composite is, for this call: the caller's `with`, else the default. */
function inputValues(action: CompositeAction, call: Step): Record<string, string> {
  const names = new Set([...Object.keys(action.inputs ?? {}), ...Object.keys(call.with ?? {})]);
  return Object.fromEntries(
    [...names].map((k) => [k, String(call.with?.[k] ?? action.inputs?.[k]?.default ?? '')]),
  );
}

/**
 * Every step that runs, in order: each step itself, and after a local composite's `uses:` step
 * the composite's steps. A local action missing from `actions` throws (a check must not pass by
 * not looking).
 */
export function expandSteps(
  where: string,
  steps: readonly Step[],
  actions: ReadonlyMap<string, CompositeAction>,
  depth = 0,
): RunStep[] {
  return steps.flatMap((step) => {
    const own: RunStep = { where, step };
    if (!step.uses?.startsWith('./')) return [own];
    const key = localActionKey(step.uses);
    const action = actions.get(key);
    if (action === undefined) throw new Error(`${where}: local action ${step.uses} not found`);
    if (depth >= MAX_DEPTH)
      throw new Error(`${where}: local actions nested deeper than ${MAX_DEPTH}`);
    const inputs = inputValues(action, step);
    const inner = (action.runs?.steps ?? []).map((s) => resolveStep(s, inputs));
    return [own, ...expandSteps(`${where} > ${key}`, inner, actions, depth + 1)];
  });
}
