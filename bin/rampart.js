#!/usr/bin/env node
import { main } from '../dist/cli/index.js';

main().catch((error) => {
  process.stderr.write(`rampart: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
