import { execFile } from 'node:child_process';
import { ReleaseError } from '../errors.js';

export interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** How the push authenticates: an HTTP header for the server's URLs only (never in .git/config). */
export interface PushAuth {
  /** e.g. https://github.com */
  readonly serverUrl: string;
  readonly token: string;
}

/** The git commands of the pin push, run in the checkout; each has a deadline. */
export interface GitWriter {
  run(
    args: readonly string[],
    opts?: { auth?: boolean; env?: Record<string, string> },
  ): Promise<GitResult>;
  /** Like run, but a failure is an error naming the command. */
  must(args: readonly string[], opts?: { auth?: boolean }): Promise<string>;
}

/** Who the pin commit is by (author and committer). */
export interface Identity {
  readonly name: string;
  readonly email: string;
}

export function gitWriter(
  repo: string,
  auth: PushAuth | undefined,
  identity?: Identity,
): GitWriter {
  const who: Record<string, string> =
    identity === undefined
      ? {}
      : {
          GIT_AUTHOR_NAME: identity.name,
          GIT_AUTHOR_EMAIL: identity.email,
          GIT_COMMITTER_NAME: identity.name,
          GIT_COMMITTER_EMAIL: identity.email,
        };
  const authArgs = (): string[] => {
    if (auth === undefined) return [];
    const basic = Buffer.from(`x-access-token:${auth.token}`).toString('base64');
    return [
      '-c',
      `http.${auth.serverUrl.replace(/\/+$/, '')}/.extraheader=AUTHORIZATION: basic ${basic}`,
    ];
  };
  const run: GitWriter['run'] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        [...(opts.auth === true ? authArgs() : []), ...args],
        {
          cwd: repo,
          maxBuffer: 16 * 1024 * 1024,
          timeout: 120_000,
          env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...who, ...opts.env },
        },
        (err, stdout, stderr) => {
          if (err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(new ReleaseError('git is required but was not found on PATH'));
            return;
          }
          resolve({ ok: err === null, stdout: String(stdout), stderr: String(stderr) });
        },
      );
    });
  return {
    run,
    async must(args, opts) {
      const r = await run(args, opts);
      if (!r.ok) throw new ReleaseError(`git ${args[0]} failed in ${repo}: ${r.stderr.trim()}`, 1);
      return r.stdout.trim();
    },
  };
}
