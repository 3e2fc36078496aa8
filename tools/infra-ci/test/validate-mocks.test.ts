import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS_BEFORE_UPSTREAM_APPLY } from '../src/terragrunt/mock-outputs.js';
import { memoryTree } from '../src/terragrunt/tree.js';
import { validateTree } from '../src/validate/run.js';
import { Standin } from './support/terragrunt-standin/index.js';

const E = 'infra/environments';
const noFmt = { fmtCheck: async () => ({ unformatted: [] }) };

/** A tree whose `app` unit depends on `net` through a shared include, with `allowed` as its list. */
function tree(depBody: string, common = ''): Record<string, string> {
  return {
    [`${E}/root.hcl`]: 'locals {\n  x = 1\n}\n',
    [`${E}/_common/app.hcl`]: `terraform {\n  source = "\${dirname(find_in_parent_folders("root.hcl"))}/../modules/app"\n}\n${common}`,
    [`${E}/prod/r1/app/terragrunt.hcl`]: `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\ninclude "common" {\n  path = "\${dirname(find_in_parent_folders("root.hcl"))}/_common/app.hcl"\n}\n\ndependency "net" {\n  config_path = "../net"\n${depBody}}\n\ninputs = {\n  subnet = dependency.net.outputs.id\n}\n`,
    [`${E}/prod/r1/net/terragrunt.hcl`]: `include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n\nterraform {\n  source = "\${dirname(find_in_parent_folders("root.hcl"))}/../modules/net"\n}\n`,
    'infra/modules/app/variables.tf': 'variable "subnet" {\n  type = string\n}\n',
    'infra/modules/net/outputs.tf': 'output "id" {\n  value = "x"\n}\n',
  };
}
const run = async (files: Record<string, string>) =>
  (await validateTree(memoryTree('/repo', files), 'infra', noFmt)).map(
    (f) => `${f.file}:${f.line}: ${f.message}`,
  );
const APP = `${E}/prod/r1/app/terragrunt.hcl`;

describe('validate: mock outputs against the commands infra-ci runs', () => {
  it("the PR flow's calls (plan, then show -json) are exactly the commands the check requires", async () => {
    const standin = new Standin();
    const dir = mkdtempSync(path.join(tmpdir(), 'mocks-'));
    try {
      const cwd = path.join(dir, 'r1', 'app');
      mkdirSync(cwd, { recursive: true });
      writeFileSync(path.join(cwd, 'terragrunt.hcl'), 'inputs = {}\n');
      const r = standin.runner();
      const out = path.join(dir, 'a.tfplan');
      await r.plan({ unit: 'r1/app', cwd, out, destroy: false });
      await r.show({ unit: 'r1/app', cwd, planFile: out });
      await r.planDetailed({ unit: 'r1/app', cwd, out }); // infra-ci drift
      await r.showJson({ unit: 'r1/app', cwd, planFile: out });
      const used = standin
        .events()
        .filter((e) => e.tool === 'terragrunt' && !e.end && e.cwd === cwd)
        .map((e) => e.args[0]);
      expect([...new Set(used)].sort()).toEqual([...COMMANDS_BEFORE_UPSTREAM_APPLY].sort());
    } finally {
      standin.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a mocked dependency allowing only validate and plan (terragrunt show would fail)', async () => {
    const r = await run(
      tree(
        '  mock_outputs = { id = "x" }\n  mock_outputs_allowed_terraform_commands = ["validate", "plan"]\n',
      ),
    );
    expect(r).toEqual([
      `${APP}:9: unit ${E}/prod/r1/app: dependency "net" has mock_outputs; its mock_outputs_allowed_terraform_commands lacks "show", which infra-ci runs before the upstream ${E}/prod/r1/net is applied (terragrunt plan, show): expected ["validate","plan"] to contain ["plan","show"]`,
    ]);
  });

  it('accepts validate, plan and show', async () => {
    expect(
      await run(
        tree(
          '  mock_outputs = { id = "x" }\n  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]\n',
        ),
      ),
    ).toEqual([]);
  });

  it('refuses mocks without an allowed list (every command, apply included) and mocks allowed for apply', async () => {
    const unset = await run(tree('  mock_outputs = { id = "x" }\n'));
    expect(unset).toHaveLength(1);
    expect(unset[0]).toMatch(
      /dependency "net" has mock_outputs but no mock_outputs_allowed_terraform_commands, so Terragrunt would use the mocks for every command, apply included/,
    );
    const apply = await run(
      tree(
        '  mock_outputs = { id = "x" }\n  mock_outputs_allowed_terraform_commands = ["plan", "show", "apply"]\n',
      ),
    );
    expect(apply).toHaveLength(1);
    expect(apply[0]).toMatch(
      /allows "apply": a mock value could be written to real infrastructure/,
    );
  });

  it('a dependency without mock_outputs needs no list', async () => {
    expect(await run(tree(''))).toEqual([]);
  });

  it('deep-merged include: the unit adds "show" to the list of the included block (concatenated)', async () => {
    const files = tree(
      '  mock_outputs_allowed_terraform_commands = ["show"]\n',
      '\ndependency "net" {\n  config_path = "../net"\n  mock_outputs = { id = "x" }\n  mock_outputs_allowed_terraform_commands = ["validate", "plan"]\n}\n',
    );
    files[APP] = (files[APP] ?? '').replace(
      'path = "${dirname',
      'merge_strategy = "deep"\n  path = "${dirname',
    );
    expect(await run(files)).toEqual([]);
    // shallow (default): the unit's block replaces the included one whole: no mocks left.
    const shallow = tree(
      '  mock_outputs = { id = "x" }\n',
      '\ndependency "net" {\n  config_path = "../net"\n  mock_outputs_allowed_terraform_commands = ["validate", "plan", "show"]\n}\n',
    );
    expect((await run(shallow))[0]).toMatch(/but no mock_outputs_allowed_terraform_commands/);
  });
});
