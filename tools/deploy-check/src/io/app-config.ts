import type { AppConfigParser } from '../checks/app-config.js';
import { DeployCheckError } from '../errors.js';

/**
 * The app's package export of its configuration parser: app/src/config.ts, built to
 * app/dist/config.js (`npm run build -w app`); vitest resolves it to the source.
 */
const SPECIFIER = '@demo-app/app/config';

/** Defaults parseConfig needs that do not come from variables (any valid values do). */
const PROCESS_DEFAULTS = { version: '0.0.0', hostname: 'deploy-check' };

type ParseConfig = (
  env: Readonly<Record<string, string>>,
  defaults: typeof PROCESS_DEFAULTS,
) => unknown;

/**
 * Loads the app's own configuration parser, so deploy-check refuses exactly what the app refuses.
 * Missing or not the expected shape: a DeployCheckError (exit 2), never a silent skip.
 */
export async function loadAppConfigParser(): Promise<AppConfigParser> {
  let mod: { parseConfig?: unknown; CONFIG_VARIABLES?: unknown };
  try {
    // A variable specifier: tsc does not pull the app's sources into this package's build.
    const specifier: string = SPECIFIER;
    mod = (await import(specifier)) as typeof mod;
  } catch (error) {
    throw new DeployCheckError(
      'NOT_FOUND',
      `cannot load the app's configuration parser ${SPECIFIER} (app/dist/config.js): run "npm run build -w app" first (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const { parseConfig, CONFIG_VARIABLES } = mod;
  if (
    typeof parseConfig !== 'function' ||
    !Array.isArray(CONFIG_VARIABLES) ||
    !CONFIG_VARIABLES.every((v) => typeof v === 'string')
  ) {
    throw new DeployCheckError(
      'NOT_FOUND',
      `${SPECIFIER} does not export parseConfig and CONFIG_VARIABLES: rebuild the app (npm run build -w app)`,
    );
  }
  const parse = parseConfig as ParseConfig;
  return {
    variables: CONFIG_VARIABLES as string[],
    refuse(env) {
      try {
        parse(env, PROCESS_DEFAULTS);
        return undefined;
      } catch (error) {
        // The app's AppError CONFIG_INVALID is a refusal; anything else is a bug: let it through.
        if (error instanceof Error && (error as { code?: unknown }).code === 'CONFIG_INVALID') {
          return error.message;
        }
        throw error;
      }
    },
  };
}
