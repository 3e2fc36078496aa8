/**
 * Which repository/environment variables and secrets a workflow job reads: every `vars.NAME` and
 * `secrets.NAME` in the job (its steps, `with`, `env`, `if`), in the workflow-level `env`, and in
 * the local composite actions the job uses (they can only get them through the job's `with`, which
 * is part of the job). `secrets.GITHUB_TOKEN` is GitHub's own and never counts.
 */
import { parse } from 'yaml';

export interface JobRefs {
  readonly vars: readonly string[];
  readonly secrets: readonly string[];
}

const VAR = /\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g;
const SECRET = /\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g;

const names = (text: string, re: RegExp): string[] =>
  [...new Set([...text.matchAll(re)].map((m) => m[1] as string))].sort();

interface Workflow {
  env?: unknown;
  jobs?: Record<string, unknown>;
}

/** The variables and secrets job `job` of the workflow source reads; throws if there is no such job. */
export function jobRefs(workflowSource: string, job: string): JobRefs {
  const wf = parse(workflowSource) as Workflow;
  const body = wf.jobs?.[job];
  if (body === undefined) throw new Error(`no job "${job}" in the workflow`);
  const text = JSON.stringify([wf.env ?? null, body]);
  return {
    vars: names(text, VAR),
    secrets: names(text, SECRET).filter((s) => s !== 'GITHUB_TOKEN'),
  };
}

/** Every job id of a workflow. */
export function jobIds(workflowSource: string): string[] {
  return Object.keys((parse(workflowSource) as Workflow).jobs ?? {});
}
