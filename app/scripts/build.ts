import { type BuildOptions, build } from 'esbuild';

/** Bundles `src/<name>.ts` into `dist/<name>.js`: one ESM file for Node 20. */
const bundle = (name: string, options: BuildOptions = {}) =>
  build({
    entryPoints: [new URL(`../src/${name}.ts`, import.meta.url).pathname],
    outfile: new URL(`../dist/${name}.js`, import.meta.url).pathname,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
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

// The configuration parser alone, for other workspaces at run time (`@demo-app/app/config`:
// deploy-check checks the app's ConfigMap values with it). No dependencies: errors.ts only.
await bundle('config');
