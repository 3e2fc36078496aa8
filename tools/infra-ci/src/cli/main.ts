#!/usr/bin/env node
import { readEnv } from '../env.js';
import { processIo } from './io.js';
import { run } from './program.js';

const code = await run(processIo(readEnv()), (t) => {
  process.stderr.write(t);
});
process.exitCode = code;
