import { Command, CommanderError } from 'commander';
import { CliError } from '../errors.js';
import { register as changes } from './commands/changes.js';
import { register as graph } from './commands/graph.js';
import { register as validate } from './commands/validate.js';
import type { Io } from './io.js';

/** Every command module exports `register(program, io)`; add new ones (plan, apply) here. */
const COMMANDS = [changes, graph, validate];

export function buildProgram(io: Io): Command {
  const program = new Command('infra-ci')
    .description('Change detection, dependency graph and checks for the Terragrunt tree')
    .exitOverride()
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Run the CLI; returns the exit code. Errors are caught here, once. */
export async function run(io: Io, stderr: (t: string) => void): Promise<number> {
  try {
    await buildProgram(io).parseAsync(io.env.args, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      stderr(`infra-ci: ${err.message}\n`);
      return err.exitCode;
    }
    stderr(
      `infra-ci: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 70;
  }
}
