import { execFile } from 'node:child_process';
import { DeployCheckError } from '../errors.js';

/** Runs a command, returns stdout; a non-zero exit is a DeployCheckError (E2E) with its output. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      [...args],
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err === null) resolve(stdout);
        else
          reject(
            new DeployCheckError(
              'E2E',
              `${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`,
            ),
          );
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Polls `probe` until it passes or fails, at most `timeoutMs`; prints each new state. */
export async function waitFor(
  what: string,
  probe: () => Promise<{ state: 'waiting' | 'passed' | 'failed'; detail: string }>,
  timeoutMs: number,
  everyMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const v = await probe().catch((e: unknown) => ({
      state: 'waiting' as const,
      detail: e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e),
    }));
    if (v.detail !== last) console.log(`${what}: ${v.detail}`);
    last = v.detail;
    if (v.state === 'passed') return v.detail;
    if (v.state === 'failed') throw new DeployCheckError('E2E', `${what}: ${v.detail}`);
    if (Date.now() > deadline)
      throw new DeployCheckError(
        'E2E',
        `${what}: timed out after ${timeoutMs / 1000} s: ${v.detail}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
