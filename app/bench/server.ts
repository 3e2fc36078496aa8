// The servers the bench measures: `node SCRIPT` on a free port of 127.0.0.1, polled until ready,
// stopped with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../test/support/app-process.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Server {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  pid: number;
  /** `performance.now()` at the spawn. */
  started: number;
}

/** Spawns `node script` with `env` (and PORT, HOST), on CPU 0 when `pinned`. */
export async function spawnServer(
  script: string,
  env: Record<string, string>,
  pinned: boolean,
): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const options = {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore' as const,
  };
  const child = pinned
    ? spawn('taskset', ['-c', '0', process.execPath, script], options)
    : spawn(process.execPath, [script], options);
  return { child, url: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, started };
}

/** Polls `/path` every 5 ms until it answers 200; resolves with the ms since the spawn. */
export async function firstOk(server: Server, path: string): Promise<number> {
  for (;;) {
    if (server.child.exitCode !== null) {
      throw new Error(`server exited with ${server.child.exitCode}`);
    }
    try {
      const response = await fetch(`${server.url}/${path}`);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - server.started;
    } catch {
      // not listening yet
    }
    if (performance.now() - server.started > 10_000) throw new Error('no response within 10 s');
    await sleep(5);
  }
}

/** SIGTERM, then waits for the exit (at most 3 s). */
export async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await Promise.race([exited, sleep(3000)]);
}
