import { fileURLToPath } from 'node:url';

/** The built CLI entry point (root `npm test` builds before the tests run). */
export const CLI_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
