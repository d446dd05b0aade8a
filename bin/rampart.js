#!/usr/bin/env node
// The `rampart` command: the compiled src/cli/main.ts (`npm run build` makes dist/).
import '../dist/cli/main.js';
