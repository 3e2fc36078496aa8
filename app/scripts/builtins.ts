import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const NAMES = new Set(builtinModules);

/** Whether `specifier` names a Node built-in (`fs`, `node:fs`, `node:test`...). */
export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NAMES.has(specifier);
}

/**
 * Built-ins left as ESM imports: `node:crypto` through `process.getBuiltinModule()` cost Node 20.20
 * 4 MiB more resident memory after start (file-backed pages of the binary; cause not found) and
 * changed nothing on Node 24.22 (docs/benchmark.md, "Resident memory on Node 24").
 */
const KEEP_AS_IMPORT = new Set(['crypto', 'node:crypto']);

/** Whether the bundle takes `specifier` with `process.getBuiltinModule()`. */
export function byGetter(specifier: string): boolean {
  return isBuiltin(specifier) && !KEEP_AS_IMPORT.has(specifier);
}

/**
 * Makes every `import ... from 'node:x'` in the bundle (ours and the dependencies' ESM builds)
 * take the built-in's CommonJS exports object through `process.getBuiltinModule()` instead of an
 * ESM import of the built-in. On Node 22+ the ESM import builds a namespace from every export,
 * which runs the built-in's lazy getters: `node:http`'s `WebSocket`/`CloseEvent`/`MessageEvent`
 * load the bundled undici (with http2, tls, zlib, worker_threads), `node:fs`'s `promises` and
 * streams load ~30 more internal modules. On Node 24.22 that is 8 MiB of resident memory after
 * start for nothing the service uses (docs/benchmark.md, "Resident memory on Node 24").
 * esbuild wraps the exports object with lazy getters of its own (`__toESM`), so nothing is read
 * before it is used. https://nodejs.org/api/process.html#processgetbuiltinmoduleid
 */
export const builtinsByGetter: Plugin = {
  name: 'builtins-by-getter',
  setup(build) {
    // ESM imports only (static and `import()`): a dependency's `require('x')` already goes to
    // Node's CommonJS loader (the banner's createRequire), which runs no getter.
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      (args.kind === 'import-statement' || args.kind === 'dynamic-import') && byGetter(args.path)
        ? { path: args.path, namespace: 'builtin' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
