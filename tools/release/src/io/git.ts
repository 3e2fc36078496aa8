import { execFile } from 'node:child_process';
import { ReleaseError } from '../errors.js';

/** Reads the repository the workflow checked out (full history: actions/checkout fetch-depth 0). */
export interface GitReader {
  /** First-parent commits of HEAD, newest first, at most `limit`. */
  firstParentHistory(limit: number): Promise<string[]>;
  /** A file's text at a commit; undefined when it does not exist there. */
  fileAt(sha: string, path: string): Promise<string | undefined>;
}

function git(
  cwd: string,
  args: string[],
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new ReleaseError('git is required but was not found on PATH'));
          return;
        }
        resolve({ ok: err === null, stdout, stderr });
      },
    );
  });
}

export function gitReader(repo: string): GitReader {
  return {
    async firstParentHistory(limit) {
      const r = await git(repo, ['rev-list', '--first-parent', `--max-count=${limit}`, 'HEAD']);
      if (!r.ok)
        throw new ReleaseError(`--repo: git rev-list failed in ${repo}: ${r.stderr.trim()}`);
      return r.stdout.split('\n').filter((l) => l !== '');
    },
    async fileAt(sha, path) {
      const r = await git(repo, ['show', `${sha}:${path}`]);
      return r.ok ? r.stdout : undefined;
    },
  };
}
