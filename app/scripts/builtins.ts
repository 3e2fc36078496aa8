import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const NAMES = new Set(builtinModules);

/** Whether `specifier` names a Node built-in (`fs`, `node:fs`, `node:test`...). */
export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NAMES.has(specifier);
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
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      isBuiltin(args.path) ? { path: args.path, namespace: 'builtin' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
