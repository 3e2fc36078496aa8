import { execFile } from 'node:child_process';
import path from 'node:path';
import { CliError } from '../errors.js';

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
export function terraformFmtCheck(dir: string): Promise<FmtResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'terraform',
      ['fmt', '-check', '-recursive', '-list=true', '-no-color', '.'],
      { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new CliError(
              'tool',
              'terraform is not installed (not found on PATH); validate needs it for fmt -check',
            ),
          );
          return;
        }
        const unformatted = stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => path.posix.normalize(l.trim().replaceAll(path.sep, '/')));
        const errorText = /Error:[\s\S]*/.exec(stderr)?.[0]?.trim();
        resolve(err && errorText ? { unformatted, failure: errorText } : { unformatted });
      },
    );
  });
}
