/**
 * The one adapter that starts external tools (git, terraform, terragrunt): never a shell, output
 * captured with a bound, and one error path for a tool that cannot be started — a missing tool
 * is CliError('tool') (exit 3, README "Exit codes"). The exit code is the caller's to judge.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CliError } from './errors.js';

export interface ToolCall {
  /** Working folder of the child (default: ours). */
  cwd?: string | undefined;
  /** Environment of the child (default: inherited). */
  env?: Record<string, string | undefined> | undefined;
  /** Written to the child's stdin, which is then closed (default: no stdin). */
  input?: string;
  /** Bytes of stdout kept (default 64 KiB). */
  stdoutMax?: number;
  /** Keep only the last `stdoutMax` bytes of stdout instead of its start (stderr: always its tail). */
  stdoutTail?: boolean;
  /** Cancellation: the running child gets SIGINT; 'close' reports how it ended. */
  signal?: AbortSignal | undefined;
  /** Why the tool is needed, appended to the "not installed" message. */
  neededFor?: string;
}

export interface ToolResult {
  /** Exit code (128 when killed by a signal). */
  code: number;
  stdout: Buffer;
  stderr: string;
  /** stdout was longer than `stdoutMax`. */
  overflow: boolean;
}

export const TAIL = 64 * 1024;

/** Keeps the whole stream up to `max`, or only its last `max` bytes when `tail`. */
class Capture {
  private chunks: Buffer[] = [];
  private size = 0;
  overflow = false;
  constructor(
    private readonly max: number,
    private readonly tail: boolean,
  ) {}
  push(c: Buffer): void {
    this.chunks.push(c);
    this.size += c.length;
    if (this.size <= this.max) return;
    this.overflow = true;
    if (!this.tail) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all.subarray(all.length - this.max)];
    this.size = this.max;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Runs `file args` to its end; rejects only when it cannot be started. */
export function runTool(file: string, args: string[], call: ToolCall = {}): Promise<ToolResult> {
  const { cwd, signal } = call;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd,
      env: call.env,
      stdio: [call.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(signal === undefined ? {} : { signal, killSignal: 'SIGINT' as const }),
    });
    const out = new Capture(call.stdoutMax ?? TAIL, call.stdoutTail ?? false);
    const err = new Capture(TAIL, true);
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') return; // the child got SIGINT; 'close' reports how it ended
      if (e.code !== 'ENOENT') {
        reject(new CliError('tool', `${file} could not be started: ${e.message}`));
        return;
      }
      if (cwd !== undefined && !existsSync(cwd)) {
        reject(new CliError('tool', `${file} could not be started: folder ${cwd} does not exist`));
        return;
      }
      const why = call.neededFor === undefined ? '' : `; ${call.neededFor}`;
      reject(new CliError('tool', `${file} is not installed (not found on PATH)${why}`));
    });
    child.on('close', (code, sig) => {
      resolve({
        code: code ?? (sig ? 128 : 1),
        stdout: out.bytes(),
        stderr: err.bytes().toString('utf8'),
        overflow: out.overflow,
      });
    });
    if (call.input !== undefined) {
      child.stdin?.on('error', () => undefined); // a child that exits early: 'close' says how
      child.stdin?.end(call.input);
    }
  });
}
