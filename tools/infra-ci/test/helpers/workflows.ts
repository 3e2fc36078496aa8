/** Reading the repository's workflows and HCL as data, for the workflow contract tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash. */
export const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const read = (f: string): string => readFileSync(`${root}${f}`, 'utf8');

export interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
export interface Job {
  if?: string;
  'timeout-minutes'?: number;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  steps: Step[];
}

/** A GitHub expression as written in YAML: ghExpr('github.token') is "${{ github.token }}". */
export const ghExpr = (inner: string): string => `\${{ ${inner} }}`;

export const environmentName = (job: Job): string | undefined =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name;

/** The strings of `name = ["a", "b"]` in an HCL file. */
export const hclList = (source: string, name: string): string[] => {
  const m = new RegExp(`^\\s*${name}\\s*=\\s*\\[([^\\]]*)\\]`, 'm').exec(source);
  if (!m?.[1]) throw new Error(`${name} not set`);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1] as string);
};
