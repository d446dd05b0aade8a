/**
 * The executable entry of the `rampart` command: `bin/rampart.js` runs the compiled copy of this
 * file, and tests run it from source (`node --import tsx src/cli/main.ts`), so both go through the
 * same last-resort handler. An error nothing else handled ends the process with exit code 1 and
 * one line on stderr — its message, never a stack (stacks name internal paths, and an operator
 * reads the line, not the trace).
 */
import { main } from './index.js';

main().catch((error: unknown) => {
  process.stderr.write(`rampart: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
