#!/usr/bin/env node
import { readEnv } from '../env.js';
import { processIo } from './io.js';
import { run } from './program.js';

const code = await run(processIo(readEnv()), (t) => {
  process.stderr.write(t);
});
// Exit explicitly once output is flushed: the HCL parser's WASM (Go) runtime keeps timers alive
// that would otherwise hold the process open for seconds after the answer is printed.
process.stdout.write('', () => {
  process.stderr.write('', () => process.exit(code));
});
