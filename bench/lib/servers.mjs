/**
 * The servers a suite can measure: Rampart through its real CLI (`node bin/rampart.js serve`,
 * the compiled dist/), and the peers in bench/peers/. Each starts pinned to the server core.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { ALLOWED_ORIGIN } from '../peers/common.mjs';
import { atExit, spawnPinned } from './processes.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * @typedef {object} Running
 * @property {import('./processes.mjs').Pinned} pinned
 * @property {() => void} cleanup removes what the start created (idempotent; also runs at exit)
 */

/**
 * @typedef {object} Server
 * @property {string} command how it is started, for the report
 * @property {(port: number, cpu: number) => Running} start
 */

/** The parent's environment without RAMPART_* (Rampart refuses unknown ones) or BENCH_*. */
function baseEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAMPART_') && !name.startsWith('BENCH_')));
}

/** Throws unless the compiled server is there (`npm run bench` builds it first). */
export function requireBuild() {
  if (!existsSync(path.join(ROOT, 'dist/cli/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
}

/**
 * Rampart with its production defaults (SQLite in a fresh temp data dir, logging at `info`, one
 * JSON line per request, to stdout, which is /dev/null here), except: loopback, the chosen port,
 * a rate limit that counts every request but never refuses in a run, and one CORS origin.
 * @param {Record<string, string>} [extraEnv]
 * @param {string[]} [nodeArgs] options for node itself (the profile suite's `--cpu-prof`)
 * @returns {Server}
 */
export function rampart(extraEnv = {}, nodeArgs = []) {
  return {
    command: `node ${nodeArgs.map((arg) => `${arg} `).join('')}bin/rampart.js serve (stdout, i.e. the info-level logs, to /dev/null)`,
    start(port, cpu) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-'));
      const cleanup = atExit(() => rmSync(dataDir, { recursive: true, force: true }));
      const env = {
        ...baseEnv(),
        RAMPART_HOST: '127.0.0.1',
        RAMPART_PORT: String(port),
        RAMPART_PUBLIC_URL: `http://127.0.0.1:${port}`,
        RAMPART_DATA_DIR: dataDir,
        RAMPART_RATE_LIMIT: '1000000000',
        RAMPART_CORS_ORIGINS: ALLOWED_ORIGIN,
        RAMPART_SHUTDOWN_TIMEOUT: '5',
        ...extraEnv,
      };
      const pinned = spawnPinned(cpu, process.execPath, [...nodeArgs, path.join(ROOT, 'bin/rampart.js'), 'serve'], { cwd: ROOT, env });
      return { pinned, cleanup };
    },
  };
}

/**
 * A peer server from bench/peers/, listening on BENCH_PORT.
 * @param {string} file
 * @returns {Server}
 */
export function peer(file) {
  return {
    command: `node bench/peers/${file}`,
    start(port, cpu) {
      const env = { ...baseEnv(), BENCH_PORT: String(port) };
      const pinned = spawnPinned(cpu, process.execPath, [path.join(ROOT, 'bench/peers', file)], { cwd: ROOT, env });
      return { pinned, cleanup: () => {} };
    },
  };
}
