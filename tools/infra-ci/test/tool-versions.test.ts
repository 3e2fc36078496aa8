/**
 * Terraform and Terragrunt versions have one source each, infra/.terraform-version and
 * infra/.terragrunt-version (the files tfenv and tgenv read): root.hcl's constraints must equal them,
 * and CI reads them instead of repeating a version (.ci/install-tool, used by .github/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (f: string): string => readFileSync(join(root, f), 'utf8');

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

/** The one version in a version file: "X.Y.Z" and a newline, nothing else. */
const versionFile = (f: string): string => {
  const text = read(f);
  expect(text, f).toMatch(/^\d+\.\d+\.\d+\n$/);
  return text.trim();
};

/** `name = "= X.Y.Z"` in root.hcl. */
const constraint = (name: string): string | undefined =>
  new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, 'm').exec(read('infra/environments/root.hcl'))?.[1];

/** Every workflow and composite action under .github, parsed, with its path. */
const githubFiles = (): { file: string; text: string; steps: Step[] }[] =>
  readdirSync(join(root, '.github'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => {
      const file = join(e.parentPath, e.name).slice(root.length);
      const text = read(file);
      const doc = parse(text) as {
        jobs?: Record<string, { steps?: Step[] }>;
        runs?: { steps?: Step[] };
      };
      const steps = [
        ...Object.values(doc.jobs ?? {}).flatMap((j) => j.steps ?? []),
        ...(doc.runs?.steps ?? []),
      ];
      return { file, text, steps };
    });

describe('tool versions', () => {
  const terraform = versionFile('infra/.terraform-version');
  const terragrunt = versionFile('infra/.terragrunt-version');

  it("root.hcl's constraints are exactly the versions of the version files", () => {
    expect(constraint('terraform_version_constraint')).toBe(`= ${terraform}`);
    expect(constraint('terragrunt_version_constraint')).toBe(`= ${terragrunt}`);
  });

  it('no workflow or action repeats a version: each install takes it from the file', () => {
    const files = githubFiles();
    expect(
      files
        .map((f) => f.file)
        .filter((f) => new RegExp(terraform.replaceAll('.', '\\.')).test(read(f))),
    ).toEqual([]);
    expect(
      files
        .map((f) => f.file)
        .filter((f) => new RegExp(terragrunt.replaceAll('.', '\\.')).test(read(f))),
    ).toEqual([]);

    // Terraform and Terragrunt come from .ci/install-tool, which reads the version files and checks
    // the download against .ci/tool-checksums.txt (tools/actions-check/test/ci-entry.test.ts).
    const installs = files.flatMap(({ file, steps }) =>
      steps
        .filter((s) => /^\.ci\/install-tool (terraform|terragrunt) /.test(s.run ?? ''))
        .map((s) => `${file}: ${(s.run ?? '').split(' ')[1]}`),
    );
    expect(installs.sort()).toEqual([
      '.github/actions/setup-infra/action.yml: terraform',
      '.github/actions/setup-infra/action.yml: terragrunt',
      '.github/workflows/app-pr.yml: terraform',
      '.github/workflows/infra-modules.yml: terraform',
    ]);
    const script = read('.ci/install-tool');
    expect(script).toContain('infra/.terraform-version');
    expect(script).toContain('infra/.terragrunt-version');
  });
});
