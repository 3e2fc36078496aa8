/**
 * Mock outputs against the commands infra-ci runs (src/terragrunt/mock-outputs.ts; calls in runner.ts): a `dependency`
 * block with `mock_outputs` must allow every command infra-ci runs before the upstream is applied
 * (else `terragrunt show` of a PR plan fails with "detected no outputs"), and none that writes.
 */
import type { UnitConfig } from '../terragrunt/evaluate.js';
import {
  COMMANDS_BEFORE_UPSTREAM_APPLY,
  COMMANDS_NEVER_MOCKED,
} from '../terragrunt/mock-outputs.js';
import type { Finding } from './checks.js';

const ATTR = 'mock_outputs_allowed_terraform_commands';
const NEEDED: readonly string[] = COMMANDS_BEFORE_UPSTREAM_APPLY;
const NEVER: readonly string[] = COMMANDS_NEVER_MOCKED;

/** One finding per mocked dependency of `unit` whose allowed commands are wrong. Pure. */
export function checkMockCommands(unit: UnitConfig): Finding[] {
  const out: Finding[] = [];
  for (const d of unit.dependencies) {
    if (d.mock === undefined) continue;
    const what = `unit ${unit.id}: dependency "${d.name ?? d.id}" has mock_outputs`;
    const expected = `set ${ATTR} = ${JSON.stringify([...new Set(['validate', ...NEEDED])])}`;
    if (!d.mock.known) {
      out.push({ ...d.at, message: `${what} and a ${ATTR} that is not static; ${expected}` });
      continue;
    }
    const cmds = d.mock.commands;
    if (cmds === undefined || cmds.length === 0) {
      out.push({
        ...d.at,
        message: `${what} but no ${ATTR}, so Terragrunt would use the mocks for every command, apply included; ${expected}`,
      });
      continue;
    }
    const missing = NEEDED.filter((c) => !cmds.includes(c));
    if (missing.length > 0) {
      out.push({
        ...d.at,
        message: `${what}; its ${ATTR} lacks ${missing.map((c) => `"${c}"`).join(', ')}, which infra-ci runs before the upstream ${d.id} is applied (terragrunt ${NEEDED.join(', ')}): expected ${JSON.stringify(cmds)} to contain ${JSON.stringify([...NEEDED])}`,
      });
    }
    const writes = cmds.filter((c) => NEVER.includes(c));
    if (writes.length > 0) {
      out.push({
        ...d.at,
        message: `${what}; its ${ATTR} allows ${writes.map((c) => `"${c}"`).join(', ')}: a mock value could be written to real infrastructure; allow only read commands (${JSON.stringify([...new Set(['validate', ...NEEDED])])})`,
      });
    }
  }
  return out;
}
