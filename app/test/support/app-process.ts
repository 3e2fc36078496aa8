import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Absolute path of the built service entry point (app/dist/main.js). */
export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface AppProcessOptions {
  /** Extra environment for the service (merged over the parent's environment). */
  env?: Record<string, string>;
  /** Port to listen on; 0 or omitted picks a free port. */
  port?: number;
  /** How long to wait for GET /readyz to answer 200 (default 10 s). */
  readyTimeoutMs?: number;
}

export interface AppProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Lines the process wrote so far (stdout and stderr). */
  logs(): string[];
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code once the process ends. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns the built service (`node app/dist/main.js`) on 127.0.0.1 and waits until GET /readyz
 * answers 200. Throws if dist/main.js is missing, the process exits early, or it is not ready in
 * time. Call `stop()` in `afterAll`/`afterEach`.
 */
export async function startAppProcess(options: AppProcessOptions = {}): Promise<AppProcess> {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: run npm run build -w app first`);
  }
  const port = options.port ? options.port : await freePort();
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      SHUTDOWN_DELAY_MS: '0',
      ...options.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`app exited with code ${exitCode} before ready:\n${lines.join('\n')}`);
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app not ready within the timeout:\n${lines.join('\n')}`);
    }
    await sleep(25);
  }

  return {
    url,
    port,
    pid: child.pid ?? -1,
    child,
    logs: () => [...lines],
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
