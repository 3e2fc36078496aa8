import { readFileSync } from 'node:fs';

/** The `version` of tools/release/package.json, for `--version` (two folders up from src/cli and dist/cli). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version ?? '0.0.0');
}
