import path from 'node:path';
import { runTool } from '../run-tool.js';

/** Result of `terraform fmt -check`: files needing formatting, or why fmt could not run on them. */
export interface FmtResult {
  /** Files needing formatting, relative to the checked folder (forward slashes). */
  unformatted: string[];
  /** terraform's error text when it could not check (e.g. a file that does not parse). */
  failure?: string;
}

/**
 * Adapter: `terraform fmt -check -recursive -list=true .` run with cwd = `dir` (terraform prints
 * paths relative to its own cwd, whatever the argument, so the folder is made the cwd and the
 * paths come back relative to it). Exit 3 with a file list means unformatted files; terraform
 * missing from PATH is a CliError('tool').
 */
export async function terraformFmtCheck(dir: string): Promise<FmtResult> {
  const r = await runTool(
    'terraform',
    ['fmt', '-check', '-recursive', '-list=true', '-no-color', '.'],
    {
      cwd: dir,
      stdoutMax: 64 * 1024 * 1024,
      neededFor: 'validate needs it for fmt -check',
    },
  );
  const unformatted = r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => path.posix.normalize(l.trim().replaceAll(path.sep, '/')));
  const errorText = /Error:[\s\S]*/.exec(r.stderr)?.[0]?.trim();
  return r.code !== 0 && errorText ? { unformatted, failure: errorText } : { unformatted };
}
