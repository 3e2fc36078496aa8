import { readFileSync } from 'node:fs';
import { type BuildOptions, build } from 'esbuild';
import { builtinsByGetter } from './builtins.js';

/**
 * Bundles `src/<name>.ts` into `dist/<name>.js`: one ESM file for Node 20.16+ (built-ins are
 * taken with `process.getBuiltinModule()`, see builtins.ts).
 */
const bundle = (name: string, options: BuildOptions = {}) =>
  build({
    entryPoints: [new URL(`../src/${name}.ts`, import.meta.url).pathname],
    outfile: new URL(`../dist/${name}.js`, import.meta.url).pathname,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    plugins: [builtinsByGetter],
    ...options,
  });

// One bundled file instead of tsc's per-module output: Node resolves and evaluates a single module
// instead of a few hundred from the OpenTelemetry SDK, which cuts start-up time (~300 → ~200 ms to
// ready) and resident memory (~62 → ~54 MiB) on the bench machine. Type checking stays with tsc
// (`npm run typecheck`).
await bundle('main', {
  sourcemap: true,
  // Some dependencies are CommonJS and call require(); an ESM bundle has to provide it.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

// The bundle must be pure ASCII. esbuild escapes non-ASCII characters in code (`charset: 'ascii'`,
// its default) but copies some comments as they are; a single non-ASCII byte makes Node keep the
// whole 1.4 MB source as a two-byte string instead of a one-byte one: +1.4 MiB RSS on Node 24
// (docs/benchmark.md, "Resident memory on Node 24"). Fail the build, naming the line to fix.
const mainJs = new URL('../dist/main.js', import.meta.url);
const lines = readFileSync(mainJs, 'utf8').split('\n');
const nonAscii = lines.findIndex((line) => /[\u0080-\uffff]/.test(line));
if (nonAscii >= 0) {
  throw new Error(
    `dist/main.js line ${nonAscii + 1} has a non-ASCII character (in a comment esbuild kept?): ` +
      `use ASCII in that source comment.\n${lines[nonAscii]?.trim()}`,
  );
}

// The configuration parser alone, for other workspaces at run time (`@demo-app/app/config`:
// deploy-check checks the app's ConfigMap values with it). No dependencies: errors.ts only.
await bundle('config');
