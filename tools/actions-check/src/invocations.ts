/**
 * How the repository's own commands are run, read from the places that run them: `run:` scripts of
 * workflows and composite actions, and the code in Markdown files. Pure functions over text; the
 * tests feed them the repository's files.
 *
 * Why: `npx NAME` (and `npm exec NAME`) without `--no-install` installs NAME from the public
 * registry when no local bin of that name is linked, and `npm ci` on a fresh clone links no bin
 * whose `dist/` target does not exist yet. So a bare `npx infra-ci` either fails on a fresh runner or
 * runs whatever someone published under that name. Per https://docs.npmjs.com/cli/v11/commands/npm-exec
 * a package missing from the local project is installed into the npm cache, and without a TTY or in
 * CI the install prompt is answered yes: only `--no-install` (= `--no`) turns that off.
 */
import { isScalar, parseDocument, visit } from 'yaml';

/** One piece of shell code, with where it came from (1-based line of its first line). */
export interface CodeSnippet {
  file: string;
  line: number;
  code: string;
}

export interface InvocationProblem {
  file: string;
  line: number;
  message: string;
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

/** Every `run:` script of a workflow or composite action. */
export function runScripts(file: string, source: string): CodeSnippet[] {
  const doc = parseDocument(source, { keepSourceTokens: true });
  const out: CodeSnippet[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'run' || !isScalar(pair.value)) return;
      if (typeof pair.value.value !== 'string') return;
      out.push({ file, line: lineOf(source, pair.value.range?.[0] ?? 0), code: pair.value.value });
    },
  });
  return out;
}

/** The code in a Markdown file: fenced blocks, then inline code spans of the remaining text. */
export function markdownCode(file: string, text: string): CodeSnippet[] {
  const out: CodeSnippet[] = [];
  const fence = /^(```|~~~)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
  let rest = '';
  let last = 0;
  for (const m of text.matchAll(fence)) {
    const start = m.index ?? 0;
    out.push({ file, line: lineOf(text, start) + 1, code: m[2] ?? '' });
    rest += text.slice(last, start) + '\n'.repeat((m[0].match(/\n/g) ?? []).length);
    last = start + m[0].length;
  }
  rest += text.slice(last);
  for (const m of rest.matchAll(/`([^`\n]+)`/g)) {
    out.push({ file, line: lineOf(rest, m.index ?? 0), code: m[1] ?? '' });
  }
  return out;
}

/** Shell words of one line, naive but enough for the commands we write (no nested quoting). */
const words = (line: string): string[] => line.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];

/** Commands of a snippet: its lines split at `&&`, `||`, `;`, `|` and parentheses. */
export function commands(code: string): { offset: number; argv: string[] }[] {
  const out: { offset: number; argv: string[] }[] = [];
  code.split('\n').forEach((raw, offset) => {
    for (const part of raw.split(/&&|\|\||[;|()]/)) {
      const argv = words(part.trim());
      if (argv.length > 0) out.push({ offset, argv });
    }
  });
  return out;
}

/**
 * `npx` / `npm exec` / `npm x` calls that may fetch from the public registry: every one must say
 * `--no-install` before the command name.
 */
export function registryFallthroughs(snippets: CodeSnippet[]): InvocationProblem[] {
  const problems: InvocationProblem[] = [];
  for (const s of snippets) {
    for (const { offset, argv } of commands(s.code)) {
      for (let i = 0; i < argv.length; i++) {
        const isNpx = argv[i] === 'npx';
        const isExec = argv[i] === 'npm' && (argv[i + 1] === 'exec' || argv[i + 1] === 'x');
        if (!isNpx && !isExec) continue;
        const args = argv.slice(i + (isNpx ? 1 : 2));
        if (args.length === 0) continue; // the word itself, e.g. in prose: `npx`
        if (!args.includes('--no-install')) {
          problems.push({
            file: s.file,
            line: s.line + offset,
            message: `\`${argv.slice(i).join(' ')}\`: ${argv[i] === 'npx' ? 'npx' : 'npm exec'} without --no-install can run a package of that name from the public registry; use \`npm exec --no-install -w <workspace path> -- BIN\`, \`node <workspace>/dist/…\` or an npm script`,
          });
        }
      }
    }
  }
  return problems;
}

/** A `node PATH.js` call into a workspace's `dist/`. */
export interface NodeCall {
  file: string;
  line: number;
  /** The path as written. */
  written: string;
  /** Repository-relative path (resolved from the repo root, or the Markdown file's folder). */
  target: string;
}

/**
 * Every `node <…>/dist/<…>.js` call. A path is read from the repository root when it starts with a
 * workspace folder, otherwise from the folder of the Markdown file that names it (a package README
 * saying `node dist/cli.js` means its own dist/).
 */
export function nodeDistCalls(snippets: CodeSnippet[], workspaces: readonly string[]): NodeCall[] {
  const out: NodeCall[] = [];
  for (const s of snippets) {
    for (const { offset, argv } of commands(s.code)) {
      argv.forEach((w, i) => {
        const next = argv[i + 1];
        if (w !== 'node' || next === undefined || !/(^|\/)dist\/\S+\.js$/.test(next)) return;
        const fromRoot = workspaces.some((ws) => next.startsWith(`${ws}/`));
        const dir =
          s.file.includes('/') && !fromRoot ? s.file.slice(0, s.file.lastIndexOf('/')) : '';
        const target = fromRoot || dir === '' ? next : `${dir}/${next}`;
        out.push({ file: s.file, line: s.line + offset, written: next, target });
      });
    }
  }
  return out;
}

/** `-w X` / `--workspace X` / `--workspace=X` values, with where they appear. */
export function workspaceArgs(
  snippets: CodeSnippet[],
): { file: string; line: number; value: string }[] {
  const out: { file: string; line: number; value: string }[] = [];
  for (const s of snippets) {
    for (const { offset, argv } of commands(s.code)) {
      if (argv[0] !== 'npm') continue;
      argv.forEach((w, i) => {
        const eq = /^--workspace=(.+)$/.exec(w);
        const value = eq?.[1] ?? (w === '-w' || w === '--workspace' ? argv[i + 1] : undefined);
        if (value !== undefined) out.push({ file: s.file, line: s.line + offset, value });
      });
    }
  }
  return out;
}

/** An `npx …` / `npm exec …` call: the words up to and including the command it runs. */
export interface ExecCall {
  file: string;
  line: number;
  argv: string[];
  bin: string;
}

/** Options of npx / npm exec that take a value (the next word is not the command). */
const VALUE_OPTIONS = new Set(['-w', '--workspace', '-p', '--package', '-c', '--call']);

/** Every `npx` / `npm exec` / `npm x` call and the command name it runs. */
export function execCalls(snippets: CodeSnippet[]): ExecCall[] {
  const out: ExecCall[] = [];
  for (const s of snippets) {
    for (const { offset, argv } of commands(s.code)) {
      argv.forEach((w, i) => {
        const isNpx = w === 'npx';
        if (!isNpx && !(w === 'npm' && (argv[i + 1] === 'exec' || argv[i + 1] === 'x'))) return;
        let j = i + (isNpx ? 1 : 2);
        while (j < argv.length) {
          const a = argv[j] as string;
          if (a === '--') {
            j++;
            break;
          }
          if (!a.startsWith('-')) break;
          j += VALUE_OPTIONS.has(a) ? 2 : 1;
        }
        const bin = argv[j];
        if (bin !== undefined) {
          out.push({ file: s.file, line: s.line + offset, argv: argv.slice(i, j + 1), bin });
        }
      });
    }
  }
  return out;
}
