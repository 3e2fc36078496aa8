/**
 * The first-run checklist (docs/first-run.md) is the one place that says what a fork must set: the
 * preflight quotes its line for whatever is missing, so the failure says what to do.
 */
export interface Missing {
  /** `vars.NAME`, `secrets.NAME` or `repository`. */
  readonly item: string;
  /** The checklist line naming it (without the "- [ ] " prefix), or a pointer when there is none. */
  readonly line: string;
}

/** The checklist line that names `item` in backticks, e.g. `` `vars.APP_PUBLISH_ROLE_ARN` ``. */
export function checklistLine(checklist: string, item: string): string | undefined {
  const line = checklist
    .split('\n')
    .find((l) => /^\s*- \[ \] /.test(l) && l.includes(`\`${item}\``));
  return line?.replace(/^\s*- \[ \] /, '').trim();
}

export interface PreflightInput {
  readonly vars: readonly string[];
  readonly secrets: readonly string[];
  /** toJSON(vars) as the job sees it (repository, environment and organisation variables). */
  readonly varValues: Readonly<Record<string, unknown>>;
  /** For each secret: "true" when set (the step passes `SECRET_SET_<NAME>: secrets.NAME != ''`). */
  readonly secretSet: Readonly<Record<string, string | undefined>>;
  /** Checked when the job assumes an AWS role: the OIDC subjects name environment.hcl's repository. */
  readonly repository?: { readonly actual: string; readonly configured: string };
}

/** What is missing, each with its checklist line. Pure. */
export function missingItems(input: PreflightInput, checklist: string): Missing[] {
  const out: string[] = [];
  for (const v of input.vars) {
    const value = input.varValues[v];
    if (typeof value !== 'string' || value.trim() === '') out.push(`vars.${v}`);
  }
  for (const s of input.secrets) {
    if (input.secretSet[s] !== 'true') out.push(`secrets.${s}`);
  }
  if (input.repository !== undefined && input.repository.actual !== input.repository.configured) {
    out.push('repository');
  }
  return out.map((item) => ({
    item,
    line: checklistLine(checklist, item) ?? `${item} has no line in docs/first-run.md (add one)`,
  }));
}
