import { execFile } from 'node:child_process';
import { CliError } from '../errors.js';

/** Result of `terraform fmt -check`: files needing formatting, or why fmt could not run on them. */
export interface FmtResult {
  unformatted: string[];
  /** terraform's error text when it could not check (e.g. a file that does not parse). */
  failure?: string;
}

/**
 * Adapter: `terraform fmt -check -recursive -list=true <dir>`. Exit 3 with a file list means
 * unformatted files; terraform missing from PATH is a CliError('tool').
 */
export function terraformFmtCheck(dir: string): Promise<FmtResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'terraform',
      ['fmt', '-check', '-recursive', '-list=true', '-no-color', dir],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
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
        const unformatted = stdout.split('\n').filter((l) => l.trim() !== '');
        const errorText = /Error:[\s\S]*/.exec(stderr)?.[0]?.trim();
        resolve(err && errorText ? { unformatted, failure: errorText } : { unformatted });
      },
    );
  });
}
