import { appendFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ReleaseError } from '../errors.js';
import { gitWriter } from '../io/git-push.js';
import { pushPin } from '../run/push-pin.js';
import type { ReleaseEnv } from './env.js';

interface PushPinOptions {
  path: string;
  message: string;
  body: string;
  requireChange: boolean;
  remote: string;
  branch: string;
  attempts: string;
  backoffMs: string;
  authorName: string;
  authorEmail: string;
  repo: string;
}

const int = (value: string, flag: string, min: number, max: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ReleaseError(`${flag}: expected an integer ${min}..${max}, got "${value}"`);
  }
  return n;
};

/** `push-pin`: the pin commit of app-merge, failover-image and release-train (push-pin/action.yml). */
export function addPushCommands(cmd: Command, env: ReleaseEnv): void {
  cmd
    .command('push-pin')
    .description(
      'Commit one changed file on top of main and push it; replayed onto main when main moved (bounded retries), stopped when main changed that file',
    )
    .requiredOption('--path <file>', 'the file to commit (repository-relative)')
    .requiredOption('--message <subject>', 'commit subject')
    .requiredOption('--body <text>', 'commit body')
    .option('--require-change', 'exit 1 when the file did not change', false)
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--branch <name>', 'branch to push to', 'main')
    .option('--attempts <n>', 'pushes tried while main keeps moving', '5')
    .option('--backoff-ms <ms>', 'wait n × ms before attempt n+1', '2000')
    .option('--author-name <name>', 'commit author and committer', 'github-actions[bot]')
    .option(
      '--author-email <email>',
      'commit author and committer e-mail',
      '41898282+github-actions[bot]@users.noreply.github.com',
    )
    .option('--repo <dir>', 'repository checkout (root)', '.')
    .action(async (o: PushPinOptions) => {
      const maxAttempts = int(o.attempts, '--attempts', 1, 20);
      const backoffMs = int(o.backoffMs, '--backoff-ms', 0, 60_000);
      // The token (env GITHUB_TOKEN) goes to git as a header for the server's URLs, on the fetch and
      // push commands only; a run without it (tests, a local remote) sends none.
      const auth =
        env.token === undefined ? undefined : { serverUrl: env.serverUrl, token: env.token };
      const git = gitWriter(o.repo, auth, { name: o.authorName, email: o.authorEmail });
      const result = await pushPin(git, {
        path: o.path,
        message: o.message,
        body: o.body,
        requireChange: o.requireChange,
        remote: o.remote,
        branch: o.branch,
        maxAttempts,
        backoffMs,
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (env.outputFile !== undefined) {
        const sha = result.kind === 'unchanged' ? '' : result.sha;
        await appendFile(env.outputFile, `result=${result.kind}\nsha=${sha}\n`);
      }
    });
}
