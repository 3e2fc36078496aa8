/**
 * The only module that spawns terragrunt/terraform for `plan` and `apply`. Always cwd = the unit
 * folder, absolute plan paths, never interactive. Output is captured with a bound: stdout whole
 * only for `show -json` (up to SHOW_MAX), otherwise the last TAIL bytes of each stream.
 */
import { CliError } from '../errors.js';
import { type Changes, changesFromPlanJson } from '../plan/bundle.js';
import { runTool } from '../run-tool.js';
import { mockedNote, mockedUpstreamsIn } from './mock-outputs.js';

export interface UnitCall {
  /** Unit id (repo-relative folder), for messages. */
  unit: string;
  /** Absolute folder of the unit: the process's cwd. */
  cwd: string;
}

export interface Versions {
  terraform: string;
  terragrunt: string;
}

export interface TerragruntRunner {
  versions(): Promise<Versions>;
  /** `terragrunt plan -input=false -lock-timeout=5m -out=<out> --non-interactive [-destroy]` */
  plan(c: UnitCall & { out: string; destroy: boolean }): Promise<void>;
  /** `terragrunt show -json <planFile> --non-interactive`, parsed to resource changes. */
  show(c: UnitCall & { planFile: string }): Promise<Changes>;
  /** `terragrunt apply -input=false -lock-timeout=5m --non-interactive <planFile>` */
  apply(c: UnitCall & { planFile: string }): Promise<void>;
  /** `terragrunt backend bootstrap --non-interactive` */
  backendBootstrap(c: UnitCall): Promise<void>;
  /** `terragrunt backend delete --non-interactive --force` */
  backendDelete(c: UnitCall): Promise<void>;
  /**
   * Drift (read-only): `terragrunt plan -input=false -lock=false -detailed-exitcode -out=<out>
   * --non-interactive`; resolves terraform's detailed exit code, 0 (no changes) or 2 (changes).
   */
  planDetailed(c: UnitCall & { out: string }): Promise<0 | 2>;
  /** `terragrunt show -json <planFile> --non-interactive`: the JSON plan document, unparsed. */
  showJson(c: UnitCall & { planFile: string }): Promise<unknown>;
  /** Whether the run was cancelled (a failure then is the cancellation's, not the unit's). */
  cancelled?(): boolean;
}

export interface RunnerOptions {
  /** Executables (default: `terragrunt` / `terraform` from PATH). */
  terragrunt?: string;
  terraform?: string;
  /** Environment of the children (default: inherited). */
  env?: Record<string, string | undefined>;
  /**
   * Cancellation (the job was cancelled): running calls get SIGINT — terraform then stops cleanly
   * and releases its state lock — and calls not yet started fail at once, so no new unit starts.
   */
  signal?: AbortSignal;
  /** Receives each finished unit call (progress in CI logs): command line, exit code, duration. */
  onCall?: (unit: string, commandLine: string, exitCode: number, ms: number) => void;
}

const SHOW_MAX = 256 * 1024 * 1024;

/** Last lines of a stream, for error messages. Pure. */
export function tailLines(text: string, lines = 15, chars = 2000): string {
  const t = text.trimEnd().split('\n').slice(-lines).join('\n');
  return t.length > chars ? t.slice(-chars) : t;
}

const NEEDED = 'infra-ci plan/apply need terragrunt and terraform';

/** Why one terragrunt call failed: its exit code, the tail of its output, mocked upstreams. Pure. */
function callFailure(
  unit: string,
  line: string,
  code: number,
  stderr: string,
  stdout: string,
  cwd: string,
): string {
  const tail = tailLines(stderr) || tailLines(stdout);
  const mocked = mockedNote(mockedUpstreamsIn(`${stderr}\n${stdout}`, cwd));
  return `${unit}: \`${line}\` exited with code ${code}${tail ? `:\n${tail}` : ''}${mocked}`;
}

/** One terragrunt call in a unit; an exit code outside `okCodes` is a CliError('failed'). */
async function callCode(
  opts: RunnerOptions,
  c: UnitCall,
  args: string[],
  okCodes: readonly number[],
  wholeStdout = false,
): Promise<{ stdout: string; code: number }> {
  const tg = opts.terragrunt ?? 'terragrunt';
  const line = `terragrunt ${args.join(' ')}`;
  if (opts.signal?.aborted) {
    throw new CliError('failed', `${c.unit}: \`${line}\` not started: the run was cancelled`);
  }
  const started = performance.now();
  const r = await runTool(tg, args, {
    cwd: c.cwd,
    env: opts.env,
    signal: opts.signal,
    neededFor: NEEDED,
    ...(wholeStdout ? { stdoutMax: SHOW_MAX } : { stdoutTail: true }),
  });
  if (wholeStdout && r.overflow) {
    throw new CliError('tool', `${tg} ${args.join(' ')}: output larger than ${SHOW_MAX} bytes`);
  }
  const stdout = r.stdout.toString('utf8');
  opts.onCall?.(c.unit, line, r.code, performance.now() - started);
  if (!okCodes.includes(r.code)) {
    throw new CliError('failed', callFailure(c.unit, line, r.code, r.stderr, stdout, c.cwd));
  }
  return { stdout, code: r.code };
}

/** The stdout of `file args` (a version query); a non-zero exit is a CliError('tool'). */
async function toolOutput(opts: RunnerOptions, file: string, args: string[]): Promise<string> {
  const r = await runTool(file, args, { env: opts.env, stdoutTail: true, neededFor: NEEDED });
  if (r.code !== 0) {
    throw new CliError(
      'tool',
      `\`${file} ${args.join(' ')}\` exited with code ${r.code}: ${tailLines(r.stderr)}`,
    );
  }
  return r.stdout.toString('utf8');
}

export function createRunner(opts: RunnerOptions = {}): TerragruntRunner {
  const tg = opts.terragrunt ?? 'terragrunt';
  const tf = opts.terraform ?? 'terraform';
  const call = async (c: UnitCall, args: string[], wholeStdout = false): Promise<string> =>
    (await callCode(opts, c, args, [0], wholeStdout)).stdout;
  const version = (file: string, args: string[]): Promise<string> => toolOutput(opts, file, args);
  return {
    cancelled: () => opts.signal?.aborted === true,
    async versions() {
      const [tgOut, tfOut] = await Promise.all([
        version(tg, ['--version']),
        version(tf, ['version', '-json']),
      ]);
      return { terragrunt: parseTerragruntVersion(tgOut), terraform: parseTerraformVersion(tfOut) };
    },
    async plan(c) {
      await call(c, [
        'plan',
        '-input=false',
        '-lock-timeout=5m',
        `-out=${c.out}`,
        ...(c.destroy ? ['-destroy'] : []),
        '--non-interactive',
      ]);
    },
    async show(c) {
      const out = await call(c, ['show', '-json', c.planFile, '--non-interactive'], true);
      return showChanges(c.unit, c.planFile, out);
    },
    async apply(c) {
      await call(c, ['apply', '-input=false', '-lock-timeout=5m', '--non-interactive', c.planFile]);
    },
    async backendBootstrap(c) {
      await call(c, ['backend', 'bootstrap', '--non-interactive']);
    },
    async backendDelete(c) {
      await call(c, ['backend', 'delete', '--non-interactive', '--force']);
    },
    async planDetailed(c) {
      // -detailed-exitcode: 0 no changes, 1 error, 2 changes (terraform's `plan` docs); terragrunt
      // exits with terraform's code for a single unit (gruntwork-io/terragrunt#37, fixed by #98).
      // -lock=false: the plan is never applied, so it needs no lock, and a scheduled check must
      // never hold the state lock an apply is waiting for (nor fail on one an apply holds).
      // The caller cross-checks the code with the JSON plan (some terragrunt releases lost code
      // 2: gruntwork-io/terragrunt#4292, #5586).
      const args = ['plan', '-input=false', '-lock=false', '-detailed-exitcode', `-out=${c.out}`];
      const { code } = await callCode(opts, c, [...args, '--non-interactive'], [0, 2]);
      return code === 2 ? 2 : 0;
    },
    async showJson(c) {
      const out = await call(c, ['show', '-json', c.planFile, '--non-interactive'], true);
      return showDocument(c.unit, c.planFile, out);
    },
  };
}

/** The resource changes of `terragrunt show -json` output. Pure. */
export function showChanges(unit: string, planFile: string, out: string): Changes {
  return changesFromPlanJson(showDocument(unit, planFile, out));
}

/** The JSON document of `terragrunt show -json` output, unparsed beyond JSON. Pure. */
export function showDocument(unit: string, planFile: string, out: string): unknown {
  // terragrunt may print log lines before the JSON document: take from the first '{'.
  const start = out.indexOf('{');
  try {
    return JSON.parse(start < 0 ? out : out.slice(start)) as unknown;
  } catch (e) {
    throw new CliError(
      'failed',
      `${unit}: \`terragrunt show -json ${planFile}\` did not print a JSON plan (${(e as Error).message})`,
    );
  }
}

/** "terragrunt version v0.83.2" -> "0.83.2". Pure. */
export function parseTerragruntVersion(out: string): string {
  const m = /version\s+v?(\d+\.\d+\.\d+[^\s]*)/.exec(out);
  if (!m?.[1])
    throw new CliError('tool', `cannot read the terragrunt version from "${out.trim()}"`);
  return m[1];
}

/** `terraform version -json` -> terraform_version. Pure. */
export function parseTerraformVersion(out: string): string {
  try {
    const v = (JSON.parse(out) as { terraform_version?: unknown }).terraform_version;
    if (typeof v === 'string' && v !== '') return v;
  } catch {
    // fall through
  }
  throw new CliError(
    'tool',
    `cannot read terraform_version from \`terraform version -json\`: "${out.trim().slice(0, 200)}"`,
  );
}
