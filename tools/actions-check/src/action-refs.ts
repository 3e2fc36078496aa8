import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';

export interface ActionRef {
  /** The `uses:` value as written. */
  uses: string;
  /** 1-based line of the `uses:` value in the file. */
  line: number;
  /** The trailing comment on that line, if any (e.g. ` v4.2.2`). */
  comment: string | undefined;
}

export interface PinProblem {
  file: string;
  line: number;
  message: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
const DOCKER_DIGEST = /@sha256:[0-9a-f]{64}$/;

/** Every `uses:` in a workflow (job steps and reusable-workflow jobs) or a composite action. */
export function findActionRefs(source: string): ActionRef[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, keepSourceTokens: true });
  const refs: ActionRef[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'uses' || !isScalar(pair.value)) return;
      const value = pair.value;
      if (typeof value.value !== 'string') return;
      const offset = value.range?.[0] ?? 0;
      refs.push({
        uses: value.value,
        line: lineCounter.linePos(offset).line,
        comment: value.comment ?? undefined,
      });
    },
  });
  return refs;
}

/**
 * Third-party actions must be pinned by full commit SHA (a tag can be moved by whoever controls
 * the action's repository) and carry a `# vX.Y.Z` comment so that humans and Dependabot know
 * which release the SHA is. Local actions (`./…`) are part of this repository and need no pin.
 */
export function checkPinned(file: string, refs: ActionRef[]): PinProblem[] {
  const problems: PinProblem[] = [];
  for (const ref of refs) {
    if (ref.uses.startsWith('./')) continue;
    if (ref.uses.startsWith('docker://')) {
      if (!DOCKER_DIGEST.test(ref.uses)) {
        problems.push({
          file,
          line: ref.line,
          message: `${ref.uses}: pin the image by @sha256 digest`,
        });
      }
      continue;
    }
    const at = ref.uses.lastIndexOf('@');
    const version = at === -1 ? '' : ref.uses.slice(at + 1);
    if (!FULL_SHA.test(version)) {
      problems.push({
        file,
        line: ref.line,
        message: `${ref.uses}: pin third-party actions by full 40-character commit SHA`,
      });
    } else if (!/^\s*v\d/.test(ref.comment ?? '')) {
      problems.push({
        file,
        line: ref.line,
        message: `${ref.uses}: add a "# vX.Y.Z" comment naming the release the SHA points to`,
      });
    }
  }
  return problems;
}

/** True when the YAML is a composite action's metadata (`runs.using: composite`). */
export function isCompositeAction(source: string): boolean {
  const doc = parseDocument(source);
  const runs = doc.get('runs');
  return isMap(runs) && runs.get('using') === 'composite' && isSeq(runs.get('steps'));
}
