#!/usr/bin/env node
import { main } from './cli.js';
import { readArgv, readEnv } from './env.js';

process.exitCode = await main(readArgv(), () => readEnv());
