import { execFile } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { DeployCheckError } from '../errors.js';

/** Builds a kustomize folder with the machine's `kubectl kustomize`. */
export type KustomizeBuild = (
  dir: string,
) => Promise<{ ok: true; docs: unknown[] } | { ok: false; error: string }>;

export const kubectlKustomize: KustomizeBuild = (dir) =>
  new Promise((resolve, reject) => {
    execFile(
      'kubectl',
      ['kustomize', dir],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err !== null) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(
              new DeployCheckError(
                'TOOL',
                'kubectl is required (kubectl kustomize) but was not found on PATH',
              ),
            );
            return;
          }
          resolve({ ok: false, error: conciseError(stderr || err.message) });
          return;
        }
        const docs = parseAllDocuments(stdout).map((d) => d.toJS() as unknown);
        resolve({ ok: true, docs: docs.filter((d) => d !== null && d !== undefined) });
      },
    );
  });

/** kubectl wraps kustomize's message in a klog line; keep the message itself. */
export function conciseError(stderr: string): string {
  const m = /err="((?:[^"\\]|\\.)*)"/.exec(stderr);
  return (m?.[1] ?? stderr).replace(/\\"/g, '"').trim();
}
