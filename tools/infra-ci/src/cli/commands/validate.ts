import type { Command } from 'commander';
import type { Io } from '../io.js';

export function register(program: Command, _io: Io): void {
  program.command('validate').description('placeholder');
}
