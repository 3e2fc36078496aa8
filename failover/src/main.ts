#!/usr/bin/env node
import { main } from './cli.js';
import { readArgv, readEnv, readLocalEnv } from './env.js';

process.exitCode = await main(readArgv(), (local) => (local ? readLocalEnv() : readEnv()));
