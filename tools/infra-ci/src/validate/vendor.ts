/**
 * Adapter of `infra-ci vendor-modules`: fetches each pinned module's tag from its git repository
 * (a throwaway bare repository, `git fetch --depth 1`) and writes the interface files under
 * `<root>/vendor/modules/...`, with a SOURCE file naming the URL, tag and commit they came from.
 * Folders of versions no longer pinned are removed. Needs network access to the git host.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '../errors.js';
import { git, gitText } from '../git/git.js';
import { runTool } from '../run-tool.js';
import { gitUrlOf, type Pin, stalePins, tagsOf, VENDORED_FILES, vendorDirOf } from './upstream.js';

export interface VendorOptions {
  /** Absolute repository root. */
  repoRoot: string;
  /** The validated folder (`infra`), repository-relative. */
  root: string;
  pins: readonly Pin[];
  /** Repository-relative paths of the files now under the vendor folder (for pruning). */
  present: Iterable<string>;
  /** `{namespace}`, `{name}`, `{provider}` template of the git URL (upstream.ts DEFAULT_GIT_URL). */
  gitUrl: string;
  /** Environment of the git fetches (the CLI's child environment: no GitHub token). */
  env: Record<string, string | undefined>;
}

/** What was written and removed (repository-relative folders). */
export interface VendorResult {
  written: string[];
  removed: string[];
}

export async function vendorModules(o: VendorOptions): Promise<VendorResult> {
  const written: string[] = [];
  for (const pin of o.pins) {
    const url = gitUrlOf(pin.address, o.gitUrl);
    const fetched = await fetchInterface(url, pin.version, o.env);
    const dir = vendorDirOf(o.root, pin);
    const abs = path.join(o.repoRoot, dir);
    await rm(abs, { recursive: true, force: true });
    await mkdir(abs, { recursive: true });
    for (const [name, text] of Object.entries(fetched.files)) {
      await writeFile(path.join(abs, name), text);
    }
    await writeFile(
      path.join(abs, 'SOURCE'),
      `${pin.address} ${pin.version}\nurl ${url}\ntag ${fetched.tag}\ncommit ${fetched.commit}\n`,
    );
    written.push(dir);
  }
  const removed = stalePins(o.root, o.pins, o.present);
  for (const d of removed) await rm(path.join(o.repoRoot, d), { recursive: true, force: true });
  return { written, removed };
}

/** A remote call's deadline: a hung fetch must not hang the refresh. */
const FETCH_TIMEOUT_MS = 120_000;

/**
 * `git fetch --depth 1 <url> refs/tags/<tag>` into the bare repository `dir`; why it failed, or
 * undefined. Never prompts for credentials (a wrong URL on GitHub asks for a login otherwise).
 */
async function fetchTag(
  dir: string,
  url: string,
  tag: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const r = await runTool(
    'git',
    ['fetch', '-q', '--depth', '1', '--no-tags', url, `refs/tags/${tag}:refs/tags/${tag}`],
    {
      cwd: dir,
      env: { ...env, GIT_TERMINAL_PROMPT: '0' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      neededFor: 'vendor-modules fetches the pinned tags with git',
    },
  );
  if (r.code === 0) return undefined;
  return r.code === 128 && r.stderr.trim() === ''
    ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s`
    : (r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`);
}

/** The interface files of `url` at the tag of `version`: `vX.Y.Z`, else `X.Y.Z`. */
async function fetchInterface(
  url: string,
  version: string,
  env: Record<string, string | undefined>,
): Promise<{ tag: string; commit: string; files: Record<string, string> }> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'infra-ci-vendor-'));
  try {
    await git(tmp, ['init', '--bare', '-q']);
    const tried: string[] = [];
    for (const tag of tagsOf(version)) {
      const failed = await fetchTag(tmp, url, tag, env);
      if (failed !== undefined) {
        tried.push(`${tag}: ${failed}`);
        continue;
      }
      const commit = await gitText(tmp, ['rev-parse', `refs/tags/${tag}^{commit}`]);
      const files: Record<string, string> = {};
      for (const f of VENDORED_FILES) {
        try {
          files[f] = (await git(tmp, ['show', `${commit}:${f}`])).toString('utf8');
        } catch {
          throw new CliError(
            'input',
            `${url} at ${tag} has no ${f} (expected the module's ${f} at its root)`,
          );
        }
      }
      return { tag, commit, files };
    }
    throw new CliError('tool', `cannot fetch ${url} at version ${version}: ${tried.join('; ')}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
