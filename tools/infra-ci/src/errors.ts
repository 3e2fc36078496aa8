/** Error codes and the process exit code each maps to (documented in README "Exit codes"). */
export const EXIT_CODES = {
  /** Unparseable HCL, unresolvable include/path, unknown git ref, bad option. */
  input: 2,
  /** A dependency cycle between units. */
  cycle: 2,
  /** `validate` found problems. */
  validation: 1,
  /** A required external tool (git, terraform) is missing or failed unexpectedly. */
  tool: 3,
  /** `plan`/`apply`: a unit's terragrunt plan or apply failed (named, with its stderr tail). */
  failed: 1,
  /** `apply` refused before applying anything: stale plan, checksum/head/version mismatch, missing artifact, another apply running. */
  refused: 4,
  /** `apply` stopped: a re-planned unit differs from the reviewed plan; the fresh plan was posted for review. */
  review: 5,
  /** `drift --fail-on-drift`: every planned unit was checked and at least one drifted. */
  drifted: 6,
} as const;

export type ErrorCode = keyof typeof EXIT_CODES;

/** The one error type of this CLI: thrown deep, caught once at the edge (src/cli/main.ts). */
export class CliError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** The message of anything thrown. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
