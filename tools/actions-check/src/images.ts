/**
 * Base images must be pinned by digest: a tag is a mutable pointer (whoever can push to the image's
 * repository can move it), a digest names one immutable manifest and is verified on pull. The tag
 * stays in the reference (`name:tag@sha256:…`) so a reader, and the update command, know which
 * release it is.
 */

export interface ImagePinProblem {
  file: string;
  line: number;
  message: string;
}

const PINNED =
  /^[a-z0-9][a-z0-9._/-]*(:[0-9]+)?(\/[a-z0-9._-]+)*:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$/;

/** Every FROM and every `ARG <NAME>_IMAGE=<default>` of a Dockerfile that is not `name:tag@sha256:<64 hex>`. */
export function imagePinProblems(file: string, dockerfile: string): ImagePinProblem[] {
  const problems: ImagePinProblem[] = [];
  const stages = new Set<string>();
  const args = new Map<string, string>();
  dockerfile.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/i.exec(raw);
    if (arg?.[1] !== undefined) {
      const [name, value] = [arg[1], arg[2]];
      if (value !== undefined) args.set(name, value);
      if (/_IMAGE$/.test(name) && !PINNED.test(value ?? '')) {
        problems.push({
          file,
          line,
          message: `ARG ${name} default ${value ?? '(none)'}: pin it as name:tag@sha256:<digest>`,
        });
      }
      return;
    }
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(raw);
    if (from?.[1] === undefined) return;
    const ref = from[1];
    if (from[2] !== undefined) stages.add(from[2].toLowerCase());
    if (stages.has(ref.toLowerCase()) && ref !== from[2]) return; // an earlier stage
    if (ref === 'scratch') return;
    const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(ref)?.[1];
    const value = variable === undefined ? ref : args.get(variable);
    if (variable !== undefined && !/_IMAGE$/.test(variable) && !PINNED.test(value ?? '')) {
      problems.push({
        file,
        line,
        message: `FROM ${ref}: ${variable} has no digest-pinned default`,
      });
    } else if (variable === undefined && !PINNED.test(ref)) {
      problems.push({ file, line, message: `FROM ${ref}: pin it as name:tag@sha256:<digest>` });
    }
  });
  return problems;
}
