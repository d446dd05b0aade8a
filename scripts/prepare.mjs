#!/usr/bin/env node
/**
 * npm's `prepare` step: builds `dist/` (the compiled library, CLI and type declarations) when
 * Rampart is installed from a path (`npm install ../rampart`) or from git
 * (`npm install github:…`), where no published tarball brings it. The project's own
 * `npm ci`/`npm install` (npm runs it from this directory: INIT_CWD is this directory) skips it:
 * `npm start`, `npm run bench` and `npm run build` build when they need to.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const invokedFrom = process.env.INIT_CWD === undefined ? root : resolve(process.env.INIT_CWD);

if (invokedFrom === root) {
  process.stderr.write('rampart prepare: the project’s own install, dist/ is not built (npm run build builds it)\n');
  process.exit(0);
}

let tsc;
try {
  tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  process.stderr.write(
    `rampart prepare: cannot build dist/ — TypeScript is not installed in ${root}. ` +
      'Run `npm ci` there first (then install it again), or install Rampart from git, which installs it.\n',
  );
  process.exit(1);
}
process.stderr.write(`rampart prepare: building dist/ in ${root}\n`);
const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
process.exit(built.status ?? 1);
