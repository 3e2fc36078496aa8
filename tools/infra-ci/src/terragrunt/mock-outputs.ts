/**
 * Terragrunt's mock outputs as infra-ci meets them: the commands it runs before an upstream is
 * applied (which `validate` requires every mocked dependency to allow), and Terragrunt's log line
 * saying it handed out mocks for an upstream without outputs (which `plan` reads). Pure.
 */
import path from 'node:path';

/**
 * The terragrunt commands infra-ci runs in a unit whose upstream units may not be applied yet: the
 * PR flow's `plan` and `show -json` (an upstream new in the same PR), and `infra-ci drift`'s. Each
 * one parses the unit's config and so resolves every `dependency` block's outputs; Terragrunt
 * returns a block's `mock_outputs` only when the command as typed (OriginalTerraformCommand) is in
 * its `mock_outputs_allowed_terraform_commands` (or the list is unset), else fails with "detected
 * no outputs" (gruntwork-io/terragrunt@v1.1.3:pkg/config/dependency.go shouldReturnMockOutputs;
 * internal/cli/commands/commands.go initialSetup sets OriginalTerraformCommand). `infra-ci
 * validate` checks every mocked dependency allows all of them (src/validate/mocks.ts).
 * Allowing `show` was chosen over running `terraform show` in the unit's `.terragrunt-cache`
 * working folder: that folder's hashed path is Terragrunt's internal layout, and `show` of a saved
 * plan cannot change what is applied (the plan file holds its inputs), so mocks there are harmless.
 */
export const COMMANDS_BEFORE_UPSTREAM_APPLY = ['plan', 'show'] as const;

/**
 * Commands that must never see mock outputs: they change infrastructure or its state (apply runs
 * in waves after the upstreams applied, so real outputs exist; a mocked value there would be
 * written to AWS).
 */
export const COMMANDS_NEVER_MOCKED = ['apply', 'destroy', 'import', 'refresh'] as const;

/**
 * Terragrunt's warning when it hands out a dependency's mock outputs because the upstream has none
 * (gruntwork-io/terragrunt@v1.1.3:pkg/config/dependency.go getTerragruntOutputIfAppliedElseConfiguredDefault);
 * the path is the upstream's config file, which the log formatter rewrites relative to the working
 * folder, the unit's (pkg/log/format/options/path_format.go RelativePather, set up by
 * internal/cli/commands/commands.go SetBaseDir(RootWorkingDir)); absolute with --log-show-abs-paths.
 */
const NO_OUTPUTS =
  /Config (\S+) is a dependency of \S+ that has no outputs, but mock outputs provided/g;
const MOCKED_NOTE = 'Terragrunt used mock outputs of upstream(s) without outputs: ';

/** Absolute folders of the upstreams Terragrunt mocked for lack of outputs, per its log. Pure. */
export function mockedUpstreamsIn(log: string, cwd: string): string[] {
  const out = new Set<string>();
  for (const m of log.matchAll(NO_OUTPUTS)) {
    const file = path.resolve(cwd, m[1] ?? '');
    out.add(path.basename(file).endsWith('.hcl') ? path.dirname(file) : file);
  }
  return [...out].sort();
}

/** The line the runner adds to a failed call's message ('' when nothing was mocked). Pure. */
export function mockedNote(folders: readonly string[]): string {
  return folders.length > 0 ? `\n${MOCKED_NOTE}${folders.join(', ')}` : '';
}

/** The folders a failed call's message names as mocked (`mockedUpstreamsIn`, added by the runner). Pure. */
export function mockedUpstreamsOf(message: string): string[] {
  const line = message.split('\n').find((l) => l.startsWith(MOCKED_NOTE));
  return line === undefined
    ? []
    : line
        .slice(MOCKED_NOTE.length)
        .split(', ')
        .filter((p) => p !== '');
}
