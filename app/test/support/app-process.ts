import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Absolute path of the built service entry point (app/dist/main.js). */
export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface AppProcessOptions {
  /** Extra environment for the service (merged over the parent's environment). */
  env?: Record<string, string>;
  /**
   * Port to listen on; 0 or omitted lets the service bind an ephemeral port, read back from its
   * `listening` log line (no probe-then-bind race between parallel test files).
   */
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

/** Listens on a free TCP port on 127.0.0.1 and resolves with the server and its port. */
function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { server, port } = await listenOnFreePort();
  return new Promise((resolve) => server.close(() => resolve(port)));
}

/** A port on 127.0.0.1 that is taken (something listens on it) until `close()`. */
export async function takenPort(): Promise<{ port: number; close: () => void }> {
  const { server, port } = await listenOnFreePort();
  return { port, close: () => server.close() };
}

/** The port from the service's `{"msg":"listening","port":N}` log line, or 0 for any other line. */
function listeningPort(line: string): number {
  if (!line.includes('"listening"')) return 0;
  try {
    const record = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return record.msg === 'listening' && typeof record.port === 'number' ? record.port : 0;
  } catch {
    return 0;
  }
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
  // The port is read back from the `listening` line, which is logged at info level; with a quieter
  // LOG_LEVEL fall back to probing for a free port (racy under parallel tests, hence not the default).
  const quiet = ['warn', 'error', 'fatal', 'silent'].includes(options.env?.LOG_LEVEL ?? 'info');
  const requestedPort = options.port || (quiet ? await freePort() : 0);
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      SHUTDOWN_DELAY_MS: '0',
      ...options.env,
      PORT: String(requestedPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let boundPort = requestedPort;
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line === '') continue;
      lines.push(line);
      if (boundPort === 0) boundPort = listeningPort(line);
    }
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

  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (; ; await sleep(25)) {
    if (exitCode !== undefined) {
      throw new Error(`app exited with code ${exitCode} before ready:\n${lines.join('\n')}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app not ready within the timeout:\n${lines.join('\n')}`);
    }
    if (boundPort === 0) continue; // the listening line has not arrived yet
    const url = `http://127.0.0.1:${boundPort}`;
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
  }

  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
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

/** What `child` has written so far to stdout and to stderr (UTF-8). */
export function captureOutput(child: { stdout: Readable; stderr: Readable }) {
  const text = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].on('data', (chunk: Buffer) => {
      text[stream] += chunk.toString('utf8');
    });
  }
  return { stdout: () => text.stdout, stderr: () => text.stderr };
}

/** How a process run by {@link runToExit} ended, with all it wrote. */
export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/main.js` with `env` over this process's until it exits (SIGKILL after `timeoutMs`). */
export function runToExit(env: Record<string, string>, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN_JS], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captureOutput(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: output.stdout(), stderr: output.stderr() });
    });
  });
}
